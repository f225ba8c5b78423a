import { useState } from "react";
import { Group, Paper, ScrollArea, Switch, Table, Text, Title } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { formatNumber } from "../../lib/format";
import type { ComparedRun } from "./CompareChart";
import { diffRows } from "./diff";
import type { Dimension } from "./dims";

/** Config and summary side by side: a row per key, a column per run, differing rows marked. */
export function DiffTable({ dims, runs }: { dims: readonly Dimension[]; runs: readonly ComparedRun[] }) {
  const { t } = useTranslation();
  const [onlyDiff, setOnlyDiff] = useState(true);
  const rows = diffRows(dims, onlyDiff);
  return (
    <Paper withBorder p="sm" radius="sm">
      <Group justify="space-between" mb="xs">
        <Title order={5}>{t("compare.diff")}</Title>
        <Switch size="xs" label={t("compare.onlyDifferences")} checked={onlyDiff} onChange={(e) => setOnlyDiff(e.currentTarget.checked)} data-testid="only-differences" />
      </Group>
      <ScrollArea.Autosize mah={420}>
        <Table striped={false} highlightOnHover withColumnBorders fz="sm" data-testid="diff-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t("compare.key")}</Table.Th>
              {runs.map((run) => (
                <Table.Th key={run.id} data-run-id={run.id}>
                  <span style={{ color: run.color }}>●</span> {run.label}
                </Table.Th>
              ))}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map((row) => (
              <Table.Tr key={row.key} data-key={row.key} data-differs={row.differs} style={row.differs ? { background: "var(--mantine-color-yellow-light)" } : undefined}>
                <Table.Td ff="monospace">{row.key}</Table.Td>
                {row.values.map((value, i) => (
                  <Table.Td key={runs[i]?.id ?? i} title={value === null ? undefined : String(value)}>
                    {value === null ? <Text span c="dimmed">—</Text> : typeof value === "number" ? formatNumber(value) : value}
                  </Table.Td>
                ))}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
        {rows.length === 0 && (
          <Text size="sm" c="dimmed" data-testid="diff-empty">
            {t("compare.noDifferences")}
          </Text>
        )}
      </ScrollArea.Autosize>
    </Paper>
  );
}
