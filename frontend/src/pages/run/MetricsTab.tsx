import { useEffect, useMemo, useRef, useState } from "react";
import { ActionIcon, Button, Center, Checkbox, Group, Loader, Popover, ScrollArea, SegmentedControl, SimpleGrid, Slider, Stack, Switch, Text, TextInput } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { useSearchParams } from "react-router-dom";
import { useRunColumns } from "../../api/metrics";
import type { RunDetail } from "../../api/types";
import { ErrorAlert } from "../../components/ErrorAlert";
import { loadChartDefaults } from "../../lib/chartDefaults";
import { colorAt } from "../../lib/colors";
import { metricNames, type XMode } from "../../lib/series";
import { useInView } from "../../lib/useInView";
import { useWorkspace } from "../../lib/useWorkspace";
import { DEFAULT_LAYOUT, type RunLayout, decodeLayout, encodeLayout, layoutJson, moveChart, planCharts, readLayout, toggleIn, visibleCharts } from "./layout";
import { useLiveVersion, type LiveStore } from "./liveMetrics";
import { MetricChart, type ChartSettings } from "./MetricChart";

// Charts are mounted a batch at a time as the user scrolls: a run of 1,000 metrics must not build
// 1,000 chart cards (and their queries) before the first one draws.
const BATCH = 24;

/** Calls `onSeen` when scrolled near; keyed by the count shown, so each batch gets a fresh one. */
function MoreCharts({ onSeen }: { onSeen: () => void }) {
  const ref = useRef<HTMLDivElement>(null);
  const seen = useInView(ref, 400);
  useEffect(() => {
    if (seen) onSeen();
  }, [seen, onSeen]);
  return <div ref={ref} style={{ height: 1 }} data-testid="more-charts" />;
}

/** Show or hide charts, found by name. */
function ChartPicker({ ids, hidden, onChange }: { ids: string[]; hidden: string[]; onChange: (hidden: string[]) => void }) {
  const { t } = useTranslation();
  const [search, setSearch] = useState("");
  const needle = search.trim().toLowerCase();
  const found = needle ? ids.filter((id) => id.toLowerCase().includes(needle)) : ids;
  return (
    <Popover position="bottom-start" width={320} shadow="md" trapFocus>
      <Popover.Target>
        <Button size="xs" variant="default" data-testid="metric-picker">
          {t("run.metricPicker", { shown: ids.length - hidden.filter((h) => ids.includes(h)).length, total: ids.length })}
        </Button>
      </Popover.Target>
      <Popover.Dropdown>
        <Stack gap="xs">
          <TextInput size="xs" placeholder={t("run.metricSearch")} value={search} onChange={(e) => setSearch(e.currentTarget.value)} data-testid="metric-search" data-autofocus />
          <Group gap="xs">
            <Button size="compact-xs" variant="subtle" onClick={() => onChange(hidden.filter((h) => !found.includes(h)))}>
              {t("run.showAll")}
            </Button>
            <Button size="compact-xs" variant="subtle" onClick={() => onChange([...new Set([...hidden, ...found])])}>
              {t("run.hideAll")}
            </Button>
          </Group>
          <ScrollArea.Autosize mah={320}>
            <Stack gap={4}>
              {found.map((id) => (
                <Checkbox key={id} size="xs" label={id} checked={!hidden.includes(id)} onChange={() => onChange(toggleIn(hidden, id))} data-testid={`metric-option-${id}`} />
              ))}
            </Stack>
          </ScrollArea.Autosize>
        </Stack>
      </Popover.Dropdown>
    </Popover>
  );
}

/** The run's metrics as charts the user arranges; the arrangement is saved per project. */
export function MetricsTab({ run, live }: { run: RunDetail; live: LiveStore }) {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const workspace = useWorkspace("run", run.project);
  const shared = params.get("layout");
  const [layout, setLayoutState] = useState<RunLayout | null>(null);
  // The page starts from a shared link's layout, else the saved one, else the defaults.
  useEffect(() => {
    if (layout !== null || !workspace.loaded) return;
    setLayoutState((shared ? decodeLayout(shared) : null) ?? readLayout(workspace.layout));
  }, [layout, workspace.loaded, workspace.layout, shared]);
  const current = layout ?? DEFAULT_LAYOUT;
  const setLayout = (next: RunLayout) => {
    setLayoutState(next);
    workspace.save(layoutJson(next));
  };
  const defaults = loadChartDefaults();
  const mode: XMode = current.xAxis ?? defaults.xAxis;
  const smoothing = current.smoothing ?? defaults.smoothing;
  const [logY, setLogY] = useState(false);
  const [zoom, setZoom] = useState<[number, number] | null>(null);
  const [copied, setCopied] = useState(false);
  const [limit, setLimit] = useState(BATCH);
  const showMore = useMemo(() => () => setLimit((n) => n + BATCH), []);
  useLiveVersion(live);

  // A preview while the viewer parses a large run, then the exact list (api/metrics.ts).
  const columns = useRunColumns(run.id, live.epoch);
  const allColumns = useMemo(() => {
    const set = new Set(columns.data?.columns ?? []);
    for (const c of live.columns) set.add(c);
    return [...set];
  }, [columns.data, live.columns]);
  const names = useMemo(() => metricNames(allColumns, [...(columns.data?.rows ?? []), ...live.rows.slice(-50)]), [allColumns, columns.data, live.rows, live.version]); // eslint-disable-line react-hooks/exhaustive-deps
  const plans = useMemo(() => planCharts(names, current), [names, current]);
  const shown = visibleCharts(plans, current);
  const hasTime = allColumns.includes("time");
  const hasEpoch = allColumns.includes("epoch");
  const usable = (mode === "time" && hasTime) || (mode === "epoch" && hasEpoch) ? mode : "step";
  const settings: ChartSettings = { mode: usable, smoothing, logY, t0: run.started_at ?? run.created_time ?? 0, hasTime };
  // System telemetry is plotted against time, whatever the user metrics use.
  const systemSettings: ChartSettings = { ...settings, mode: hasTime ? "time" : "step" };

  if (columns.isPending || layout === null) {
    return (
      <Center h={200}>
        <Loader />
      </Center>
    );
  }
  if (columns.error) return <ErrorAlert error={columns.error} onRetry={() => void columns.refetch()} />;

  const share = () => {
    const next = new URLSearchParams(params);
    next.set("layout", encodeLayout(current));
    setParams(next, { replace: true });
    const url = `${window.location.origin}${window.location.pathname}?${next.toString()}`;
    void navigator.clipboard?.writeText(url).catch(() => undefined);
    setCopied(true);
  };
  const reset = () => {
    void workspace.reset();
    setLayoutState(DEFAULT_LAYOUT);
    const next = new URLSearchParams(params);
    next.delete("layout");
    setParams(next, { replace: true });
  };
  const ids = shown.map((p) => p.id);
  let colorIndex = 0;

  return (
    <Stack gap="md">
      <Group gap="lg" wrap="wrap">
        <ChartPicker ids={plans.map((p) => p.id)} hidden={current.hidden} onChange={(hidden) => setLayout({ ...current, hidden })} />
        <Group gap="xs">
          <Text size="sm">{t("run.xAxis")}</Text>
          <SegmentedControl
            size="xs"
            value={settings.mode}
            onChange={(v) => setLayout({ ...current, xAxis: v as XMode })}
            data={[
              { value: "step", label: t("run.step") },
              { value: "time", label: t("run.time"), disabled: !hasTime },
              { value: "epoch", label: t("run.epoch"), disabled: !hasEpoch },
            ]}
            data-testid="x-mode"
          />
        </Group>
        <Group gap="xs" w={260}>
          <Text size="sm">{t("run.smoothing")}</Text>
          <Slider style={{ flex: 1 }} min={0} max={0.99} step={0.01} value={smoothing} onChange={(v) => setLayout({ ...current, smoothing: v })} label={(v) => v.toFixed(2)} data-testid="smoothing" />
        </Group>
        <Switch label={t("run.logScale")} checked={logY} onChange={(e) => setLogY(e.currentTarget.checked)} data-testid="log-scale" />
        <Switch label={t("run.groupStages")} checked={current.groupStages} onChange={(e) => setLayout({ ...current, groupStages: e.currentTarget.checked })} data-testid="group-stages" />
        <Group gap={4}>
          <Button size="xs" variant="subtle" onClick={share} data-testid="share-layout">
            {copied ? t("run.layoutLinked") : t("run.shareLayout")}
          </Button>
          <Button size="xs" variant="subtle" color="gray" onClick={reset} data-testid="reset-layout">
            {t("run.resetLayout")}
          </Button>
        </Group>
      </Group>
      {names.length === 0 && (
        <Text c="dimmed" data-testid="no-metrics">
          {t("run.noMetrics")}
        </Text>
      )}
      <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="sm" data-testid="charts">
        {shown.slice(0, limit).map((plan) => {
          const colors = plan.metrics.map(() => colorAt(colorIndex++));
          return (
            <MetricChart
              key={plan.id}
              runId={run.id}
              chartId={plan.id}
              metrics={plan.metrics}
              colors={colors}
              settings={plan.system ? systemSettings : settings}
              live={live}
              refine={!columns.refining}
              zoom={plan.system ? null : zoom}
              onZoom={plan.system ? () => undefined : setZoom}
              syncKey={plan.system ? `run-${run.id}-system` : `run-${run.id}`}
              actions={
                <>
                  <ActionIcon size="sm" variant={plan.pinned ? "light" : "subtle"} onClick={() => setLayout({ ...current, pinned: toggleIn(current.pinned, plan.id) })} aria-label={t("run.pin")} title={t("run.pin")} data-testid="chart-pin">
                    {plan.pinned ? "★" : "☆"}
                  </ActionIcon>
                  <ActionIcon size="sm" variant="subtle" onClick={() => setLayout(moveChart(current, ids, plan.id, -1))} aria-label={t("run.moveUp")} title={t("run.moveUp")} data-testid="chart-up">
                    ↑
                  </ActionIcon>
                  <ActionIcon size="sm" variant="subtle" onClick={() => setLayout(moveChart(current, ids, plan.id, 1))} aria-label={t("run.moveDown")} title={t("run.moveDown")} data-testid="chart-down">
                    ↓
                  </ActionIcon>
                  <ActionIcon size="sm" variant="subtle" onClick={() => setLayout({ ...current, hidden: toggleIn(current.hidden, plan.id) })} aria-label={t("run.hideChart")} title={t("run.hideChart")} data-testid="chart-hide">
                    ×
                  </ActionIcon>
                </>
              }
            />
          );
        })}
      </SimpleGrid>
      {shown.length > limit && <MoreCharts key={limit} onSeen={showMore} />}
    </Stack>
  );
}
