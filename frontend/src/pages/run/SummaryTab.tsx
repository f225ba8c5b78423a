import { SimpleGrid, Stack, Table, Text, Title } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { api } from "../../api/client";
import type { MetricStats, RunDetail } from "../../api/types";
import { KeyValueTable } from "../../components/KeyValueTable";
import { flatten } from "../../lib/flatten";
import { formatNumber } from "../../lib/format";
import { roundedValue } from "../../lib/humanize";

/** A number rounded for reading; the exact value on hover (and what a copy of the title gives). */
function Num({ value }: { value: number }) {
  return <span title={String(value)}>{formatNumber(value)}</span>;
}

function MetricStatsTable({ stats }: { stats: Record<string, MetricStats> }) {
  const { t } = useTranslation();
  const names = Object.keys(stats).sort();
  if (names.length === 0) return <Text c="dimmed" size="sm">{t("run.nothing")}</Text>;
  return (
    <Table striped withTableBorder verticalSpacing={4} data-testid="metric-stats" ff="monospace" fz="sm">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>{t("run.metric")}</Table.Th>
          <Table.Th>{t("run.last")}</Table.Th>
          <Table.Th>{t("run.min")}</Table.Th>
          <Table.Th>{t("run.max")}</Table.Th>
          <Table.Th>{t("run.points")}</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {names.map((name) => {
          const s = stats[name] as MetricStats;
          return (
            <Table.Tr key={name} data-metric={name}>
              <Table.Td>{name}</Table.Td>
              <Table.Td><Num value={s.last} /></Table.Td>
              <Table.Td><Num value={s.min} /></Table.Td>
              <Table.Td><Num value={s.max} /></Table.Td>
              <Table.Td>{s.count}</Table.Td>
            </Table.Tr>
          );
        })}
      </Table.Tbody>
    </Table>
  );
}

export function SummaryTab({ run }: { run: RunDetail }) {
  const { t } = useTranslation();
  const detail = useQuery({ queryKey: ["experiment", run.id], queryFn: () => api.experiment(run.id) });
  return (
    <Stack gap="lg">
      <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="lg">
        <Stack gap="xs">
          <Title order={5}>{t("run.summary")}</Title>
          <KeyValueTable entries={flatten(run.summary ?? {})} empty={t("run.nothing")} testId="summary-table" format={(_k, v) => roundedValue(v)} />
        </Stack>
        <Stack gap="xs">
          <Title order={5}>{t("run.config")}</Title>
          <KeyValueTable entries={flatten(run.config ?? {})} empty={t("run.nothing")} testId="config-table" />
        </Stack>
      </SimpleGrid>
      {detail.data?.metrics_summary.metric_stats && (
        <Stack gap="xs">
          <Title order={5}>{t("run.metricStats")}</Title>
          <MetricStatsTable stats={detail.data.metrics_summary.metric_stats} />
        </Stack>
      )}
    </Stack>
  );
}
