import { Card, Center, Loader, SimpleGrid, Text } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { runHistograms, type HistogramSeries } from "../../api/histograms";
import { ErrorAlert } from "../../components/ErrorAlert";
import { heatCells } from "./histogramCells";

const WIDTH = 480;
const HEIGHT = 220;
const PAD = { left: 48, right: 8, top: 8, bottom: 24 };

/** One key's distribution over the steps: a column per step, darker where more values fell. */
function HistogramChart({ series }: { series: HistogramSeries }) {
  const { t } = useTranslation();
  const plot = { w: WIDTH - PAD.left - PAD.right, h: HEIGHT - PAD.top - PAD.bottom };
  const model = heatCells(series.entries, plot.w, plot.h);
  const first = series.entries[0]?.step;
  const last = series.entries[series.entries.length - 1]?.step;
  return (
    <Card withBorder padding="sm" data-testid={`histogram-${series.key}`}>
      <Text fw={600} size="sm" mb="xs">
        {series.key}
      </Text>
      <svg width="100%" viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={t("run.histogramAria", { key: series.key })}>
        <g transform={`translate(${PAD.left},${PAD.top})`}>
          {model.cells.map((cell) => (
            <rect
              key={`${cell.column}-${cell.bucket}`}
              x={cell.x}
              y={cell.y}
              width={cell.width}
              height={cell.height}
              fill="var(--mantine-color-blue-6)"
              fillOpacity={cell.opacity}
            >
              <title>{t("run.histogramCell", { step: cell.step, low: cell.low.toPrecision(4), high: cell.high.toPrecision(4), count: cell.count })}</title>
            </rect>
          ))}
          <rect x={0} y={0} width={plot.w} height={plot.h} fill="none" stroke="var(--mantine-color-gray-5)" />
          <text x={-4} y={10} textAnchor="end" fontSize={10} fill="currentColor">
            {model.high.toPrecision(3)}
          </text>
          <text x={-4} y={plot.h} textAnchor="end" fontSize={10} fill="currentColor">
            {model.low.toPrecision(3)}
          </text>
          <text x={0} y={plot.h + 16} fontSize={10} fill="currentColor">
            {first}
          </text>
          <text x={plot.w} y={plot.h + 16} textAnchor="end" fontSize={10} fill="currentColor">
            {last}
          </text>
        </g>
      </svg>
      <Text size="xs" c="dimmed" data-testid="histogram-steps">
        {t("run.histogramSteps", { shown: series.entries.length, total: series.total_steps })}
      </Text>
    </Card>
  );
}

/** Histograms a run logged (run.log_histogram, SummaryWriter.add_histogram), one chart per key. */
export function HistogramsTab({ runId }: { runId: string }) {
  const { t } = useTranslation();
  const query = useQuery({ queryKey: ["histograms", runId], queryFn: () => runHistograms(runId), staleTime: 0 });
  if (query.isPending) {
    return (
      <Center h={120}>
        <Loader />
      </Center>
    );
  }
  if (query.error) return <ErrorAlert error={query.error} />;
  if (query.data.histograms.length === 0) return <Text c="dimmed">{t("run.noHistograms")}</Text>;
  return (
    <SimpleGrid cols={{ base: 1, lg: 2 }}>
      {query.data.histograms.map((series) => (
        <HistogramChart key={series.key} series={series} />
      ))}
    </SimpleGrid>
  );
}
