import { useEffect, useMemo, useRef, useState } from "react";
import { Button, Card, Group, Loader, Skeleton, Text } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import type uPlot from "uplot";
import { api } from "../../api/client";
import { firstMetricQuery, useRefined } from "../../api/metrics";
import { chartDownsample, metricQuery } from "../../api/queries";
import { UPlotChart, type ChartSeries } from "../../components/UPlotChart";
import { downloadText, safeFileName, toCsv } from "../../lib/csv";
import { ema, emptyPoints, forLog, mergeRows, pointsFromRows, xColumn, xy, type Points, type XMode } from "../../lib/series";
import { useInView, useWidth } from "../../lib/useInView";
import type { LiveStore } from "./liveMetrics";

export interface ChartSettings {
  mode: XMode;
  smoothing: number;
  logY: boolean;
  /** Unix time the x axis counts from in time mode. */
  t0: number;
  hasTime: boolean;
  /** The run logged an `epoch` (the epoch axis can be chosen). */
  hasEpoch?: boolean;
}

interface Props {
  runId: string;
  metric: string;
  color: string;
  settings: ChartSettings;
  live: LiveStore;
  /** The run's exact column list has come (the viewer has parsed the run): ask for exact points. */
  refine?: boolean;
}

const HEIGHT = 220;

/** The step range the points between x = min and x = max cover. */
function stepRange(points: Points, mode: XMode, t0: number, min: number, max: number): [number, number] | null {
  if (mode === "step") return [Math.floor(min), Math.ceil(max)];
  const source = mode === "time" ? points.time : points.epoch;
  const offset = mode === "time" ? t0 : 0;
  let first: number | null = null;
  let last: number | null = null;
  for (let i = 0; i < points.step.length; i++) {
    const t = source[i];
    if (t === null || t === undefined) continue;
    const x = t - offset;
    if (x >= min && x <= max) {
      const step = points.step[i] as number;
      first = first === null ? step : Math.min(first, step);
      last = last === null ? step : Math.max(last, step);
    }
  }
  return first === null || last === null ? null : [first, last];
}

/**
 * One metric of one run. Fetches (when scrolled into view) about one point per pixel of its width,
 * merges live rows, and re-fetches a dragged step range at full resolution.
 */
export function MetricChart({ runId, metric, color, settings, live, refine = true }: Props) {
  const { t } = useTranslation();
  const box = useRef<HTMLDivElement>(null);
  const visible = useInView(box);
  const width = useWidth(box);
  const [zoom, setZoom] = useState<[number, number] | null>(null);
  const { mode, smoothing, logY, t0, hasTime } = settings;
  // Whole hundreds, so a resize by a few pixels does not fetch again.
  const downsample = chartDownsample(width);
  // The settings only offer an axis the run has (MetricsTab): its column comes with the metric.
  const x = xColumn(mode);
  const names = x ? [metric, x] : [metric];

  // A preview while the viewer parses a large run, then the exact points (api/metrics.ts).
  const base = useRefined(
    firstMetricQuery(runId, metric, x, downsample, live.epoch),
    metricQuery(runId, metric, x, downsample, live.epoch),
    { enabled: visible && width > 0, askExact: refine ? "now" : "later" },
  );
  const zoomed = useQuery({
    queryKey: ["metric-zoom", runId, metric, x, downsample, zoom],
    queryFn: () => api.metricsFast(runId, { names, downsample, stepRange: zoom ?? undefined }),
    enabled: zoom !== null,
    staleTime: Infinity,
  });

  // The fetched points plus every live row; later live rows are merged as they come (in place:
  // `version` tells React the arrays changed).
  const points = useRef<Points | null>(null);
  const consumed = useRef(0);
  const [version, setVersion] = useState(0);
  useEffect(() => {
    if (!base.data) return;
    const fresh = pointsFromRows(base.data.rows, metric);
    mergeRows(fresh, live.rows, metric);
    points.current = fresh;
    consumed.current = live.rows.length;
    setVersion((v) => v + 1);
  }, [base.data, live, metric]);
  useEffect(
    () =>
      live.subscribe(() => {
        const current = points.current;
        if (!current || live.rows.length <= consumed.current) return;
        const changed = mergeRows(current, live.rows.slice(consumed.current), metric);
        consumed.current = live.rows.length;
        if (changed) setVersion((v) => v + 1);
      }),
    [live, metric],
  );

  const zoomPoints = useMemo(() => (zoomed.data ? pointsFromRows(zoomed.data.rows, metric) : null), [zoomed.data, metric]);
  const shown = zoom !== null && zoomPoints ? zoomPoints : points.current;
  const { data, series } = useMemo(() => {
    if (!shown) return { data: null, series: [] };
    const { x, y } = xy(shown, mode, t0);
    const raw: (number | null)[] = logY ? forLog(y) : y;
    const chartSeries: ChartSeries[] = [{ label: metric, color, alpha: smoothing > 0 ? 0.25 : 1 }];
    const columns: uPlot.AlignedData = [x, raw];
    if (smoothing > 0) {
      const smooth = ema(y, smoothing);
      columns.push(logY ? forLog(smooth) : smooth);
      chartSeries.push({ label: `${metric} (EMA)`, color, width: 2, derived: true });
    }
    return { data: columns, series: chartSeries };
    // `version` changes when live rows were merged into the same arrays.
  }, [shown, version, mode, t0, logY, smoothing, metric, color]); // eslint-disable-line react-hooks/exhaustive-deps

  const exportCsv = async () => {
    const full = await api.metricsFast(runId, { names: hasTime ? [metric, "time"] : [metric], stepRange: zoom ?? undefined });
    const all = pointsFromRows(full.rows, metric);
    const rows = all.step.map((s, i) => (hasTime ? [s, all.time[i] ?? null, all.value[i] ?? null] : [s, all.value[i] ?? null]));
    downloadText(`${runId}_${safeFileName(metric)}.csv`, toCsv(hasTime ? ["step", "time", metric] : ["step", metric], rows));
  };

  return (
    <Card
      withBorder
      padding="xs"
      radius="sm"
      ref={box}
      data-metric={metric}
      data-zoom={zoom ? zoom.join(":") : ""}
      data-preview={base.refining ? "true" : undefined}
    >
      <Group justify="space-between" mb={4} wrap="nowrap">
        <Text size="sm" fw={600} truncate title={`${metric} · ${t("run.zoomHint")}`}>
          {metric}
        </Text>
        <Group gap={4} wrap="nowrap">
          {base.refining && (
            <Group gap={4} wrap="nowrap" title={t("metricsPreview.hint")} data-testid="chart-refining">
              <Loader size={10} />
              <Text size="xs" c="dimmed">
                {t("metricsPreview.refining")}
              </Text>
            </Group>
          )}
          {zoom && (
            <Button size="compact-xs" variant="subtle" onClick={() => setZoom(null)} data-testid="reset-zoom">
              {t("run.resetZoom")}
            </Button>
          )}
          <Button size="compact-xs" variant="subtle" onClick={() => void exportCsv()} data-testid="export-csv">
            {t("run.exportCsv")}
          </Button>
        </Group>
      </Group>
      {data ? (
        <UPlotChart
          data={data}
          series={series}
          height={HEIGHT}
          xTime={mode === "time"}
          logY={logY}
          testId={`chart-${metric}`}
          onSelectX={(min, max) => {
            const range = stepRange(shown ?? emptyPoints(), mode, t0, min, max);
            if (range) setZoom(range);
          }}
          onReset={() => setZoom(null)}
        />
      ) : (
        <Skeleton h={HEIGHT} />
      )}
    </Card>
  );
}
