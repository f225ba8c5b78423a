import { Anchor, Badge, Checkbox, Group, Stack, Table, Text, UnstyledButton } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { Link } from "react-router-dom";
import type { Experiment, SortField } from "../../api/types";
import { StatusBadge } from "../../components/StatusBadge";
import { formatDuration, formatNumber, formatTime } from "../../lib/format";
import classes from "./ExperimentsTable.module.css";

interface Props {
  rows: Experiment[];
  selected: ReadonlySet<string>;
  onToggle: (id: string) => void;
  onTogglePage: (select: boolean) => void;
  orderBy: SortField;
  orderDesc: boolean;
  onSort: (field: SortField) => void;
}

function SortHeader(props: { field: SortField; label: string; orderBy: SortField; desc: boolean; onSort: (f: SortField) => void }) {
  const active = props.orderBy === props.field;
  return (
    <Table.Th aria-sort={active ? (props.desc ? "descending" : "ascending") : "none"}>
      <UnstyledButton onClick={() => props.onSort(props.field)} className={classes.sort} data-testid={`sort-${props.field}`}>
        {props.label} <span className={active ? classes.arrowActive : classes.arrow}>{active && !props.desc ? "▲" : "▼"}</span>
      </UnstyledButton>
    </Table.Th>
  );
}

export function ExperimentsTable({ rows, selected, onToggle, onTogglePage, orderBy, orderDesc, onSort }: Props) {
  const { t } = useTranslation();
  const pageSelected = rows.length > 0 && rows.every((r) => selected.has(r.id));
  const someSelected = rows.some((r) => selected.has(r.id));
  const sort = { orderBy, desc: orderDesc, onSort };
  return (
    <Table.ScrollContainer minWidth={760}>
      <Table highlightOnHover stickyHeader verticalSpacing={6} data-testid="experiments-table">
        <Table.Thead>
          <Table.Tr>
            <Table.Th w={36}>
              <Checkbox
                aria-label={t("experiments.selectAll")}
                checked={pageSelected}
                indeterminate={someSelected && !pageSelected}
                onChange={() => onTogglePage(!pageSelected)}
                data-testid="select-page"
              />
            </Table.Th>
            <SortHeader field="status" label={t("experiments.colStatus")} {...sort} />
            <Table.Th>{t("experiments.colRun")}</Table.Th>
            <SortHeader field="created_at" label={t("experiments.colCreated")} {...sort} />
            <Table.Th>{t("experiments.colDuration")}</Table.Th>
            <SortHeader field="best_metric_value" label={t("experiments.colBest")} {...sort} />
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.map((run) => (
            <Table.Tr key={run.id} data-run-id={run.id} bg={selected.has(run.id) ? "var(--mantine-primary-color-light)" : undefined}>
              <Table.Td>
                <Checkbox
                  aria-label={t("experiments.selectRun", { id: run.id })}
                  checked={selected.has(run.id)}
                  onChange={() => onToggle(run.id)}
                  data-testid={`select-${run.id}`}
                />
              </Table.Td>
              <Table.Td>
                <StatusBadge status={run.status} />
              </Table.Td>
              <Table.Td>
                <Stack gap={0}>
                  <Anchor component={Link} to={`/runs/${run.id}`} fw={500} size="sm" data-testid="run-link">
                    {run.project} / {run.name}
                  </Anchor>
                  <Group gap={4}>
                    <Text size="xs" c="dimmed" ff="monospace">
                      {run.id}
                    </Text>
                    {run.tags.slice(0, 4).map((tag) => (
                      <Badge key={tag} size="xs" variant="outline" color="gray">
                        {tag}
                      </Badge>
                    ))}
                  </Group>
                </Stack>
              </Table.Td>
              <Table.Td>
                <Text size="sm">{formatTime(run.created_at)}</Text>
              </Table.Td>
              <Table.Td>
                <Text size="sm">{formatDuration(run.duration)}</Text>
              </Table.Td>
              <Table.Td>
                {run.best_metric_value !== null ? (
                  <Text size="sm">
                    <Text span c="dimmed" size="xs">
                      {run.best_metric_name}{" "}
                    </Text>
                    {formatNumber(run.best_metric_value)}
                  </Text>
                ) : (
                  <Text size="sm" c="dimmed">
                    {t("common.none")}
                  </Text>
                )}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
