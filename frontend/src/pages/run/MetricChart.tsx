import { type ReactNode, useCallback, useEffect, useMemo, useRef, useState } from "react";
import { Button, Card, Group, Loader, Skeleton, Text } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import type uPlot from "uplot";
import { api } from "../../api/client";
import { firstMetricQuery, useRefined } from "../../api/metrics";
import { chartDownsample, metricQuery } from "../../api/queries";
import { UPlotChart, type ChartSeries } from "../../components/UPlotChart";
import { downloadText, safeFileName, toCsv } from "../../lib/csv";
import { formatNumber } from "../../lib/format";
import { align, ema, forLog, mergeRows, pointsFromRows, xColumn, xy, type Points, type XMode } from "../../lib/series";
import { useInView, useWidth } from "../../lib/useInView";
import type { LiveStore } from "./liveMetrics";

export interface ChartSettings {
  mode: XMode;
  smoothing: number;
  logY: boolean;
  /** Unix time the x axis counts from in time mode. */
  t0: number;
  hasTime: boolean;
}

interface Props {
  runId: string;
  /** The chart's name (a metric, or the shared name of its stage metrics: "loss"). */
  chartId: string;
  metrics: readonly string[];
  colors: readonly string[];
  settings: ChartSettings;
  live: LiveStore;
  /** The run's exact column list has come (the viewer has parsed the run): ask for exact points. */
  refine?: boolean;
  /** The step range every chart of the page shows (zoom is shared), null for all. */
  zoom: [number, number] | null;
  onZoom: (range: [number, number] | null) => void;
  /** Charts with the same key share the hover cursor. */
  syncKey?: string;
  /** Buttons of the page's layout (pin, hide, move). */
  actions?: ReactNode;
}

const HEIGHT = 220;

/** The step range the points between x = min and x = max cover. */
function stepRange(points: Points, mode: XMode, t0: number, min: number, max: number): [number, number] | null {
  if (mode === "step") return [Math.floor(min), Math.ceil(max)];
  let first: number | null = null;
  let last: number | null = null;
  for (let i = 0; i < points.step.length; i++) {
    const t = points.time[i];
    if (t === null || t === undefined) continue;
    const x = t - t0;
    if (x >= min && x <= max) {
      const step = points.step[i] as number;
      first = first === null ? step : Math.min(first, step);
      last = last === null ? step : Math.max(last, step);
    }
  }
  return first === null || last === null ? null : [first, last];
}

interface SourceState {
  points: Points | null;
  refining: boolean;
  version: number;
}

/**
 * The points of one metric: fetched when its chart is in view (about one point per pixel), live
 * rows merged in, the zoomed step range fetched at full resolution. Renders nothing; it reports.
 */
function MetricSource(props: {
  runId: string;
  metric: string;
  /** The column drawn on the x axis beside the metric (none for steps). */
  x: "time" | "epoch" | null;
  downsample: number;
  enabled: boolean;
  refine: boolean;
  zoom: [number, number] | null;
  live: LiveStore;
  onChange: (metric: string, state: SourceState) => void;
}) {
  const { runId, metric, x, downsample, live, zoom, onChange } = props;
  const names = x ? [metric, x] : [metric];
  const base = useRefined(
    firstMetricQuery(runId, metric, x, downsample, live.epoch),
    metricQuery(runId, metric, x, downsample, live.epoch),
    { enabled: props.enabled, askExact: props.refine ? "now" : "later" },
  );
  const zoomed = useQuery({
    queryKey: ["metric-zoom", runId, metric, x, downsample, zoom],
    queryFn: () => api.metricsFast(runId, { names, downsample, stepRange: zoom ?? undefined }),
    enabled: zoom !== null && props.enabled,
    staleTime: Infinity,
  });
  // The fetched points plus every live row; later live rows are merged in place as they come.
  const points = useRef<Points | null>(null);
  const consumed = useRef(0);
  const version = useRef(0);
  const report = useCallback(() => {
    version.current += 1;
    const shown = zoom !== null && zoomed.data ? pointsFromRows(zoomed.data.rows, metric) : points.current;
    onChange(metric, { points: shown, refining: base.refining, version: version.current });
  }, [zoom, zoomed.data, metric, onChange, base.refining]);
  useEffect(() => {
    if (!base.data) return;
    const fresh = pointsFromRows(base.data.rows, metric);
    mergeRows(fresh, live.rows, metric);
    points.current = fresh;
    consumed.current = live.rows.length;
  }, [base.data, live, metric]);
  useEffect(() => report(), [report, base.data]);
  useEffect(
    () =>
      live.subscribe(() => {
        const current = points.current;
        if (!current || live.rows.length <= consumed.current) return;
        const changed = mergeRows(current, live.rows.slice(consumed.current), metric);
        consumed.current = live.rows.length;
        if (changed && zoom === null) report();
      }),
    [live, metric, report, zoom],
  );
  return null;
}

/**
 * One chart of a run: one or more metrics on a shared x axis. Zoom (drag a range) and the cursor
 * are shared with the page's other charts; a metric with a single point shows its value.
 */
export function MetricChart({ runId, chartId, metrics, colors, settings, live, refine = true, zoom, onZoom, syncKey, actions }: Props) {
  const { t } = useTranslation();
  const box = useRef<HTMLDivElement>(null);
  const visible = useInView(box);
  const width = useWidth(box);
  const { mode, smoothing, logY, t0, hasTime } = settings;
  // Whole hundreds, so a resize by a few pixels does not fetch again.
  const downsample = chartDownsample(width);
  // MetricsTab offers only an axis the run has, so the mode's column comes with the metric.
  const x = xColumn(mode === "time" && !hasTime ? "step" : mode);
  const [sources, setSources] = useState<Record<string, SourceState>>({});
  const onChange = useCallback((metric: string, state: SourceState) => setSources((s) => ({ ...s, [metric]: state })), []);

  const { data, series, single } = useMemo(() => {
    const loaded = metrics.map((m) => sources[m]?.points ?? null);
    if (loaded.some((p) => p === null)) return { data: null, series: [], single: null };
    const lines = loaded.map((p) => xy(p as Points, mode, t0));
    const chartSeries: ChartSeries[] = [];
    const columns: { x: number[]; y: (number | null)[] }[] = [];
    metrics.forEach((metric, i) => {
      const color = colors[i % colors.length] as string;
      const line = lines[i] as { x: number[]; y: number[] };
      columns.push({ x: line.x, y: logY ? forLog(line.y) : line.y });
      chartSeries.push({ label: metric, color, alpha: smoothing > 0 ? 0.25 : 1, markSingle: true });
      if (smoothing > 0) {
        const smooth = ema(line.y, smoothing);
        columns.push({ x: line.x, y: logY ? forLog(smooth) : smooth });
        chartSeries.push({ label: `${metric} (EMA)`, color, width: 2, derived: true });
      }
    });
    const aligned = align(columns);
    const only = metrics.length === 1 && lines[0]?.y.length === 1 ? { x: lines[0].x[0] as number, y: lines[0].y[0] as number } : null;
    return { data: [aligned.x, ...aligned.ys] as uPlot.AlignedData, series: chartSeries, single: only };
  }, [sources, metrics, mode, t0, logY, smoothing, colors]);
  const refining = metrics.some((m) => sources[m]?.refining);

  const exportCsv = async () => {
    const full = await api.metricsFast(runId, { names: hasTime ? [...metrics, "time"] : [...metrics], stepRange: zoom ?? undefined });
    const header = hasTime ? ["step", "time", ...metrics] : ["step", ...metrics];
    const rows = full.rows.map((row) => header.map((h) => (h === "step" ? (row.global_step ?? null) : (row[h] ?? null))));
    downloadText(`${runId}_${safeFileName(chartId)}.csv`, toCsv(header, rows as (string | number | null)[][]));
  };

  return (
    <Card withBorder padding="xs" radius="sm" ref={box} data-chart-id={chartId} data-metric={metrics.join("|")} data-zoom={zoom ? zoom.join(":") : ""} data-preview={refining ? "true" : undefined}>
      {metrics.map((metric) => (
        <MetricSource
          key={metric}
          runId={runId}
          metric={metric}
          x={x}
          downsample={downsample}
          enabled={visible && width > 0}
          refine={refine}
          zoom={zoom}
          live={live}
          onChange={onChange}
        />
      ))}
      <Group justify="space-between" mb={4} wrap="nowrap">
        <Text size="sm" fw={600} truncate title={`${metrics.join(", ")} · ${t("run.zoomHint")}`} data-testid="chart-title">
          {chartId}
        </Text>
        <Group gap={4} wrap="nowrap">
          {refining && (
            <Group gap={4} wrap="nowrap" title={t("metricsPreview.hint")} data-testid="chart-refining">
              <Loader size={10} />
              <Text size="xs" c="dimmed">
                {t("metricsPreview.refining")}
              </Text>
            </Group>
          )}
          {zoom && (
            <Button size="compact-xs" variant="subtle" onClick={() => onZoom(null)} data-testid="reset-zoom">
              {t("run.resetZoom")}
            </Button>
          )}
          <Button size="compact-xs" variant="subtle" onClick={() => void exportCsv()} data-testid="export-csv">
            {t("run.exportCsv")}
          </Button>
          {actions}
        </Group>
      </Group>
      {single && (
        <Text size="sm" data-testid="single-value" title={String(single.y)}>
          {t("run.singleValue", { value: formatNumber(single.y), x: mode === "time" ? `${Math.round(single.x)} s` : single.x })}
        </Text>
      )}
      {data ? (
        <UPlotChart
          data={data}
          series={series}
          height={single ? HEIGHT - 24 : HEIGHT}
          xTime={mode === "time"}
          logY={logY}
          syncKey={syncKey}
          testId={`chart-${chartId}`}
          onSelectX={(min, max) => {
            const first = sources[metrics[0] as string]?.points;
            const range = first ? stepRange(first, mode, t0, min, max) : null;
            if (range) onZoom(range);
          }}
          onReset={() => onZoom(null)}
        />
      ) : (
        <Skeleton h={HEIGHT} />
      )}
    </Card>
  );
}
