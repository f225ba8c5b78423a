import { Anchor, Button, Group, SimpleGrid, Stack, Table, Text } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { systemApi, systemKeys } from "../../api/system";
import { ErrorAlert } from "../../components/ErrorAlert";
import { formatBytes, formatTime } from "../../lib/format";

function Facts({ rows, testId }: { rows: [string, string, string?][]; testId: string }) {
  return (
    <Table withTableBorder verticalSpacing={4} data-testid={testId}>
      <Table.Tbody>
        {rows.map(([label, value, id]) => (
          <Table.Tr key={label}>
            <Table.Td w="50%">
              <Text size="sm" c="dimmed">
                {label}
              </Text>
            </Table.Td>
            <Table.Td>
              <Text size="sm" ff="monospace" data-testid={id}>
                {value}
              </Text>
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

const percent = (share: number) => `${(share * 100).toFixed(1)} %`;

/** The server's version and index, the metrics cache counters, and the way to the admin site. */
export function AboutSection() {
  const { t } = useTranslation();
  const health = useQuery({ queryKey: systemKeys.health, queryFn: systemApi.health, staleTime: 0 });
  const cache = useQuery({ queryKey: systemKeys.cacheStats, queryFn: systemApi.cacheStats, staleTime: 0 });
  const dash = t("common.none");
  const h = health.data;
  const c = cache.data;
  return (
    <Stack gap="md">
      <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
        <Stack gap={6}>
          <Text size="sm" fw={500}>
            {t("settings.server")}
          </Text>
          {health.error ? (
            <ErrorAlert error={health.error} onRetry={() => void health.refetch()} />
          ) : (
            <Facts
              testId="server-facts"
              rows={[
                [t("settings.version"), h?.version ?? dash, "server-version"],
                [t("settings.indexedRuns"), h ? String(h.index.runs) : dash, "indexed-runs"],
                [t("settings.lastScan"), formatTime(h?.index.last_full_scan)],
                [t("settings.watcher"), h ? (h.index.watcher_running ? t("settings.watcherOn") : t("settings.watcherOff")) : dash],
              ]}
            />
          )}
        </Stack>
        <Stack gap={6}>
          <Group justify="space-between">
            <Text size="sm" fw={500}>
              {t("settings.metricsCache")}
            </Text>
            <Button size="compact-xs" variant="subtle" loading={cache.isFetching} onClick={() => void cache.refetch()} data-testid="cache-refresh">
              {t("settings.refresh")}
            </Button>
          </Group>
          {cache.error ? (
            <ErrorAlert error={cache.error} onRetry={() => void cache.refetch()} />
          ) : (
            <Facts
              testId="cache-stats"
              rows={[
                [t("settings.cacheEntries"), c ? `${c.size} / ${c.max_size}` : dash, "cache-entries"],
                [t("settings.cacheMemory"), c ? `${formatBytes(c.bytes)} / ${formatBytes(c.max_bytes)}` : dash],
                [t("settings.cacheHits"), c ? `${c.hits} (${percent(c.hit_rate)})` : dash, "cache-hits"],
                [t("settings.cacheIncremental"), c ? `${c.incremental_updates} (${percent(c.incremental_rate)})` : dash],
                [t("settings.cacheMisses"), c ? String(c.misses) : dash],
              ]}
            />
          )}
        </Stack>
      </SimpleGrid>
      <Text size="sm">
        {t("settings.adminText")}{" "}
        <Anchor href="/admin/" data-testid="admin-link">
          {t("settings.adminLink")}
        </Anchor>
      </Text>
    </Stack>
  );
}
