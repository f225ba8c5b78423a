import { useMemo, useRef } from "react";
import { Card, Skeleton, Text } from "@mantine/core";
import { useQueries } from "@tanstack/react-query";
import { chartDownsample, metricQuery } from "../../api/queries";
import { UPlotChart, type ChartSeries } from "../../components/UPlotChart";
import { align, ema, forLog, pointsFromRows, xy, type XMode } from "../../lib/series";
import { useInView, useWidth } from "../../lib/useInView";

export interface ComparedRun {
  id: string;
  label: string;
  color: string;
  metrics: ReadonlySet<string>;
}

interface Props {
  metric: string;
  runs: ComparedRun[];
  smoothing: number;
  logY: boolean;
  /** Step, or seconds since each run's first point (runs started at different times line up). */
  mode?: XMode;
}

/** One metric of several runs on a shared step axis, one colour per run. */
export function CompareChart({ metric, runs, smoothing, logY, mode = "step" }: Props) {
  const box = useRef<HTMLDivElement>(null);
  const visible = useInView(box);
  const width = useWidth(box);
  const downsample = chartDownsample(width);
  const having = runs.filter((r) => r.metrics.has(metric));
  const results = useQueries({
    queries: having.map((run) => ({ ...metricQuery(run.id, metric, mode === "time" ? "time" : null, downsample), enabled: visible && width > 0 })),
  });
  const ready = results.length > 0 && results.every((r) => r.data);
  const stamp = results.map((r) => r.dataUpdatedAt).join(",");

  const chart = useMemo(() => {
    if (!ready) return null;
    const series = results.map((r) => {
      const points = pointsFromRows(r.data?.rows ?? [], metric);
      const t0 = points.time.find((v) => v !== null) ?? 0;
      const line = xy(points, mode, t0);
      const y = smoothing > 0 ? ema(line.y, smoothing) : line.y;
      return { x: line.x, y: logY ? forLog(y) : y };
    });
    const { x, ys } = align(series);
    const labels: ChartSeries[] = having.map((run) => ({ label: run.label, color: run.color }));
    return { data: [x, ...ys] as [number[], ...(number | null)[][]], series: labels };
  }, [ready, stamp, smoothing, logY, metric, mode]); // eslint-disable-line react-hooks/exhaustive-deps

  return (
    <Card withBorder padding="xs" radius="sm" ref={box} data-metric={metric}>
      <Text size="sm" fw={600} mb={4} truncate title={metric}>
        {metric}
      </Text>
      {chart ? (
        <UPlotChart data={chart.data} series={chart.series} logY={logY} xTime={mode === "time"} testId={`compare-chart-${metric}`} />
      ) : (
        <Skeleton h={220} />
      )}
    </Card>
  );
}
