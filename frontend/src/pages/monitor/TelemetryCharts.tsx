import { useMemo } from "react";
import { Paper, SimpleGrid, Text } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { UPlotChart, type ChartSeries } from "../../components/UPlotChart";
import { QUANTITIES, historyGpus, quantityColumns, type Quantity, type TelemetryState } from "./telemetry";

const TITLES: Record<Quantity, string> = {
  util: "monitor.chartUtil",
  mem: "monitor.chartMemory",
  temp: "monitor.chartTemperature",
  power: "monitor.chartPower",
};

/** Percentages keep their whole scale, so 40% looks like 40% and not like a full chart. */
const PERCENT: [number, number] = [0, 100];
const Y_RANGES: Partial<Record<Quantity, [number, number]>> = { util: PERCENT, mem: PERCENT };

/** One chart per quantity over the kept history, one line per GPU (colours as on the cards). */
export function TelemetryCharts({ telemetry, colorOf }: { telemetry: TelemetryState; colorOf: (gpuIndex: number) => string }) {
  const { t } = useTranslation();
  const gpus = useMemo(() => historyGpus(telemetry), [telemetry]);
  const series: ChartSeries[] = useMemo(() => gpus.map((index) => ({ label: `GPU ${index}`, color: colorOf(index) })), [gpus, colorOf]);
  return (
    <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="sm">
      {QUANTITIES.map((quantity) => (
        <Paper key={quantity} withBorder radius="md" p="sm">
          <Text size="sm" fw={500} mb={4}>
            {t(TITLES[quantity])}
          </Text>
          <UPlotChart data={quantityColumns(telemetry, quantity, gpus)} series={series} height={200} xTime yRange={Y_RANGES[quantity]} testId={`gpu-chart-${quantity}`} />
        </Paper>
      ))}
    </SimpleGrid>
  );
}
