import { useMemo, useState } from "react";
import { Center, Group, Loader, SegmentedControl, SimpleGrid, Slider, Stack, Switch, Text, Title } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { useRunColumns } from "../../api/metrics";
import type { RunDetail } from "../../api/types";
import { ErrorAlert } from "../../components/ErrorAlert";
import { loadChartDefaults } from "../../lib/chartDefaults";
import { colorAt } from "../../lib/colors";
import { groupByPrefix, metricNames, type XMode } from "../../lib/series";
import { useLiveVersion, type LiveStore } from "./liveMetrics";
import { MetricChart, type ChartSettings } from "./MetricChart";

/** The run's metrics, one chart each, grouped by prefix (`train/`, `val/`). */
export function MetricsTab({ run, live }: { run: RunDetail; live: LiveStore }) {
  const { t } = useTranslation();
  // The page starts from the chart defaults chosen in Settings; changes here stay on this page.
  const [mode, setMode] = useState<XMode>(() => loadChartDefaults().xAxis);
  const [smoothing, setSmoothing] = useState(() => loadChartDefaults().smoothing);
  const [logY, setLogY] = useState(false);
  useLiveVersion(live);

  // A preview while the viewer parses a large run, then the exact list (api/metrics.ts).
  const columns = useRunColumns(run.id, live.epoch);
  const allColumns = useMemo(() => {
    const set = new Set(columns.data?.columns ?? []);
    for (const c of live.columns) set.add(c);
    return [...set];
  }, [columns.data, live.columns]);
  const names = useMemo(() => metricNames(allColumns, [...(columns.data?.rows ?? []), ...live.rows.slice(-50)]), [allColumns, columns.data, live.rows, live.version]); // eslint-disable-line react-hooks/exhaustive-deps
  const groups = useMemo(() => groupByPrefix(names), [names]);
  const hasTime = allColumns.includes("time");
  const hasEpoch = allColumns.includes("epoch");
  const settings: ChartSettings = {
    mode: (mode === "time" && hasTime) || (mode === "epoch" && hasEpoch) ? mode : "step",
    smoothing,
    logY,
    t0: run.started_at ?? run.created_time ?? 0,
    hasTime,
    hasEpoch,
  };

  if (columns.isPending) {
    return (
      <Center h={200}>
        <Loader />
      </Center>
    );
  }
  if (columns.error) return <ErrorAlert error={columns.error} onRetry={() => void columns.refetch()} />;

  let index = 0;
  return (
    <Stack gap="md">
      <Group gap="xl" wrap="wrap">
        <Group gap="xs">
          <Text size="sm">{t("run.xAxis")}</Text>
          <SegmentedControl
            size="xs"
            value={settings.mode}
            onChange={(v) => setMode(v as XMode)}
            data={[
              { value: "step", label: t("run.step") },
              { value: "time", label: t("run.time"), disabled: !hasTime },
              { value: "epoch", label: t("run.epoch"), disabled: !hasEpoch },
            ]}
            data-testid="x-mode"
          />
        </Group>
        <Group gap="xs" w={300}>
          <Text size="sm">{t("run.smoothing")}</Text>
          <Slider
            style={{ flex: 1 }}
            min={0}
            max={0.99}
            step={0.01}
            value={smoothing}
            onChange={setSmoothing}
            label={(v) => v.toFixed(2)}
            data-testid="smoothing"
          />
        </Group>
        <Switch label={t("run.logScale")} checked={logY} onChange={(e) => setLogY(e.currentTarget.checked)} data-testid="log-scale" />
      </Group>
      {names.length === 0 && (
        <Text c="dimmed" data-testid="no-metrics">
          {t("run.noMetrics")}
        </Text>
      )}
      {groups.map(({ group, metrics }) => (
        <section key={group || "(none)"} data-group={group}>
          {group && (
            <Title order={5} mb="xs">
              {group}/
            </Title>
          )}
          <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="sm">
            {metrics.map((metric) => (
              <MetricChart key={metric} runId={run.id} metric={metric} color={colorAt(index++)} settings={settings} live={live} refine={!columns.refining} />
            ))}
          </SimpleGrid>
        </section>
      ))}
    </Stack>
  );
}
