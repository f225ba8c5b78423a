import { Alert, Anchor, Badge, Group, Paper, Progress, SimpleGrid, Stack, Table, Text } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { Link } from "react-router-dom";
import type { GpuReading } from "../../api/system";
import { formatNumber } from "../../lib/format";
import { memoryText, share } from "./telemetry";

function Meter({ label, value, percent, color, testId }: { label: string; value: string; percent: number | null; color: string; testId: string }) {
  return (
    <Stack gap={2} data-testid={testId}>
      <Group justify="space-between" gap="xs" wrap="nowrap">
        <Text size="xs" c="dimmed">
          {label}
        </Text>
        <Text size="sm" fw={500} ff="monospace" data-testid={`${testId}-value`}>
          {value}
        </Text>
      </Group>
      <Progress value={percent ?? 0} color={percent === null ? "gray" : color} size="sm" aria-label={label} />
    </Stack>
  );
}

const heat = (celsius: number | null | undefined) => (celsius == null ? "gray" : celsius >= 85 ? "red" : celsius >= 70 ? "yellow" : "teal");
const unit = (value: number | null | undefined, suffix: string, digits = 0) => (value == null ? "N/A" : `${value.toFixed(digits)}${suffix}`);

/** One GPU's latest reading and the processes on it; a process of a running run links to the run. */
export function GpuCard({ gpu, color }: { gpu: GpuReading; color: string }) {
  const { t } = useTranslation();
  return (
    <Paper withBorder radius="md" p="md" data-testid="gpu-card" data-gpu-index={gpu.index}>
      <Group justify="space-between" wrap="nowrap" mb="sm">
        <Group gap="xs" wrap="nowrap" style={{ minWidth: 0 }}>
          <span style={{ width: 10, height: 10, borderRadius: 5, background: color, flex: "none" }} aria-hidden="true" />
          <Text fw={600} truncate data-testid="gpu-name">
            GPU {gpu.index} · {gpu.name ?? t("monitor.unnamed")}
          </Text>
        </Group>
        {gpu.pstate && (
          <Badge variant="light" color="gray" title={t("monitor.pstate")}>
            {gpu.pstate}
          </Badge>
        )}
      </Group>
      {gpu.error ? (
        <Alert color="red" title={t("monitor.gpuUnreadable")} data-testid="gpu-error">
          {gpu.error}
        </Alert>
      ) : (
        <Stack gap="sm">
          <SimpleGrid cols={2} spacing="md" verticalSpacing="xs">
            <Meter label={t("monitor.util")} value={unit(gpu.util_gpu, " %")} percent={share(gpu.util_gpu)} color="indigo" testId="gpu-util" />
            <Meter
              label={t("monitor.memory")}
              value={memoryText(gpu.mem_used_mib, gpu.mem_total_mib) ?? "N/A"}
              percent={share(gpu.mem_used_pct)}
              color="grape"
              testId="gpu-mem"
            />
            <Meter label={t("monitor.temperature")} value={unit(gpu.temp_c, " °C")} percent={share(gpu.temp_c)} color={heat(gpu.temp_c)} testId="gpu-temp" />
            <Meter
              label={t("monitor.power")}
              value={gpu.power_w == null ? "N/A" : `${formatNumber(gpu.power_w)}${gpu.power_limit_w ? ` / ${formatNumber(gpu.power_limit_w)}` : ""} W`}
              percent={share(gpu.power_w, gpu.power_limit_w)}
              color="orange"
              testId="gpu-power"
            />
          </SimpleGrid>
          <Text size="xs" c="dimmed">
            {t("monitor.clocks", { sm: unit(gpu.clock_sm_mhz, " MHz"), mem: unit(gpu.clock_mem_mhz, " MHz") })}
            {" · "}
            {t("monitor.fan", { fan: unit(gpu.fan_speed_pct, " %") })}
            {" · "}
            {t("monitor.memUtil", { util: unit(gpu.util_mem, " %") })}
          </Text>
          <GpuProcesses gpu={gpu} />
        </Stack>
      )}
    </Paper>
  );
}

function GpuProcesses({ gpu }: { gpu: GpuReading }) {
  const { t } = useTranslation();
  if (gpu.processes.length === 0) {
    return (
      <Text size="xs" c="dimmed" data-testid="gpu-no-processes">
        {t("monitor.noProcesses")}
      </Text>
    );
  }
  return (
    <Table verticalSpacing={2} fz="xs" data-testid="gpu-processes">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>{t("monitor.pid")}</Table.Th>
          <Table.Th style={{ whiteSpace: "nowrap" }}>{t("monitor.procMemory")}</Table.Th>
          <Table.Th>{t("monitor.procType")}</Table.Th>
          <Table.Th>{t("monitor.procRun")}</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {gpu.processes.map((p) => (
          <Table.Tr key={p.pid} data-pid={p.pid}>
            <Table.Td ff="monospace">{p.pid}</Table.Td>
            <Table.Td ff="monospace" style={{ whiteSpace: "nowrap" }}>
              {p.used_memory_mib == null ? "N/A" : `${formatNumber(p.used_memory_mib)} MiB`}
            </Table.Td>
            <Table.Td>{p.types.join(", ")}</Table.Td>
            <Table.Td>
              {p.run_id ? (
                <Anchor component={Link} to={`/runs/${p.run_id}`} ff="monospace" data-testid="gpu-process-run">
                  {p.run_id}
                </Anchor>
              ) : (
                <Text span size="xs" c="dimmed">
                  {t("monitor.notARun")}
                </Text>
              )}
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}
