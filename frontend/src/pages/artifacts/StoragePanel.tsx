import { Center, Group, Loader, Paper, Progress, SimpleGrid, Stack, Table, Text, Title } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import type { ArtifactStats } from "../../api/artifacts";
import { ErrorAlert } from "../../components/ErrorAlert";
import { formatBytes } from "../../lib/format";
import { formatRatio, typeRows } from "./format";
import { statsQuery } from "./queries";
import { Fact } from "../../components/Fact";

/** The figures of `/api/artifacts/stats`: totals, what deduplication saved, and the split by type. */
export function StorageFigures({ stats }: { stats: ArtifactStats }) {
  const { t } = useTranslation();
  const rows = typeRows(stats);
  return (
    <Stack gap="md">
      <SimpleGrid cols={2} spacing="sm">
        <Fact size="lg" label={t("artifacts.totalArtifacts")} testId="stats-artifacts">{stats.total_artifacts}</Fact>
        <Fact size="lg" label={t("artifacts.totalVersions")} testId="stats-versions">{stats.total_versions}</Fact>
        <Fact size="lg" label={t("artifacts.totalSize")} testId="stats-size">{formatBytes(stats.total_size_bytes)}</Fact>
        <Fact size="lg" label={t("artifacts.totalFiles")} testId="stats-files">{stats.total_files}</Fact>
      </SimpleGrid>
      {stats.dedup_enabled ? (
        <Stack gap={6}>
          <Group justify="space-between">
            <Text size="sm" fw={500}>
              {t("artifacts.dedupRatio")}
            </Text>
            <Text size="sm" fw={600} data-testid="stats-dedup-ratio">
              {formatRatio(stats.dedup_ratio)}
            </Text>
          </Group>
          <Progress value={Math.min(1, Math.max(0, stats.dedup_ratio)) * 100} color="teal" aria-label={t("artifacts.dedupRatio")} />
          <Group justify="space-between">
            <Text size="sm" c="dimmed">
              {t("artifacts.spaceSaved")}
            </Text>
            <Text size="sm" data-testid="stats-saved">
              {formatBytes(stats.space_saved_bytes)}
            </Text>
          </Group>
          <Group justify="space-between">
            <Text size="sm" c="dimmed">
              {t("artifacts.poolSize")}
            </Text>
            <Text size="sm" data-testid="stats-pool">
              {formatBytes(stats.dedup_pool_size_bytes)}
            </Text>
          </Group>
        </Stack>
      ) : (
        <Text size="sm" c="dimmed">
          {t("artifacts.dedupOff")}
        </Text>
      )}
      {rows.length > 0 && (
        <Stack gap={4}>
          <Text size="sm" fw={500}>
            {t("artifacts.byType")}
          </Text>
          <Table data-testid="stats-by-type" verticalSpacing={4}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t("artifacts.colType")}</Table.Th>
                <Table.Th ta="right">{t("artifacts.colCount")}</Table.Th>
                <Table.Th ta="right">{t("artifacts.colVersions")}</Table.Th>
                <Table.Th ta="right">{t("artifacts.size")}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((row) => (
                <Table.Tr key={row.type} data-type={row.type}>
                  <Table.Td>{t(`artifacts.types.${row.type}`, { defaultValue: row.type })}</Table.Td>
                  <Table.Td ta="right">{row.count}</Table.Td>
                  <Table.Td ta="right">{row.versions}</Table.Td>
                  <Table.Td ta="right" style={{ whiteSpace: "nowrap" }}>
                    {formatBytes(row.size_bytes)}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Stack>
      )}
    </Stack>
  );
}

export function StoragePanel() {
  const { t } = useTranslation();
  const stats = useQuery(statsQuery());
  return (
    <Paper withBorder p="md" radius="sm" data-testid="storage-panel">
      <Title order={5}>{t("artifacts.storage")}</Title>
      <Text size="xs" c="dimmed" mb="sm">
        {t("artifacts.storageHint")}
      </Text>
      {stats.isPending ? (
        <Center h={120}>
          <Loader size="sm" />
        </Center>
      ) : stats.error ? (
        <ErrorAlert error={stats.error} onRetry={() => void stats.refetch()} />
      ) : (
        <StorageFigures stats={stats.data} />
      )}
    </Paper>
  );
}
