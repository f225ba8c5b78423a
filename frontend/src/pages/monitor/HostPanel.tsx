import { useEffect, useState } from "react";
import { Group, Paper, Progress, SimpleGrid, Stack, Text, Title, Tooltip } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { systemApi } from "../../api/system";
import { ErrorAlert } from "../../components/ErrorAlert";
import { UPlotChart } from "../../components/UPlotChart";
import { formatBytes } from "../../lib/format";
import { addHostSample, emptyHostHistory, loadPerCore } from "./host";

const POLL_MS = 2000;
const color = (percent: number) => (percent >= 90 ? "red" : percent >= 70 ? "orange" : "teal");

function Meter({ label, percent, detail, testId }: { label: string; percent: number; detail: string; testId: string }) {
  return (
    <Stack gap={2} data-testid={testId} data-percent={percent}>
      <Group justify="space-between">
        <Text size="sm" fw={600}>
          {label}
        </Text>
        <Text size="sm">{percent.toFixed(1)} %</Text>
      </Group>
      <Progress value={percent} color={color(percent)} size="md" />
      <Text size="xs" c="dimmed">
        {detail}
      </Text>
    </Stack>
  );
}

/** The viewer's host next to the GPUs: CPU per core, memory, the storage root's disk, load. */
export function HostPanel() {
  const { t } = useTranslation();
  const host = useQuery({ queryKey: ["system-monitor"], queryFn: systemApi.host, refetchInterval: POLL_MS, retry: false });
  const [history, setHistory] = useState(emptyHostHistory);
  useEffect(() => {
    if (host.data) setHistory((h) => addHostSample(h, host.data));
  }, [host.data]);
  if (host.error) return <ErrorAlert error={host.error} />;
  const s = host.data;
  if (!s) return null;
  const load = loadPerCore(s);
  const t0 = history.t[0] ?? s.ts;
  return (
    <Paper withBorder p="md" radius="md" data-testid="host-panel">
      <Stack gap="sm">
        <Title order={5}>{t("monitor.host")}</Title>
        <SimpleGrid cols={{ base: 1, md: 3 }} spacing="md">
          <Meter label={t("monitor.cpu")} percent={s.cpu.percent} testId="host-cpu"
            detail={t("monitor.cores", { physical: s.cpu.count ?? "?", logical: s.cpu.logical_count ?? s.cpu.per_core.length })} />
          <Meter label={t("monitor.hostMemory")} percent={s.memory.percent} testId="host-memory"
            detail={`${formatBytes(s.memory.used)} / ${formatBytes(s.memory.total)} · ${t("monitor.swap")} ${formatBytes(s.memory.swap_used)} / ${formatBytes(s.memory.swap_total)}`} />
          <Meter label={t("monitor.disk")} percent={s.disk.percent} testId="host-disk"
            detail={`${formatBytes(s.disk.used)} / ${formatBytes(s.disk.total)} · ${s.disk.path}`} />
        </SimpleGrid>
        <Group gap={4} data-testid="host-cores" wrap="wrap">
          {s.cpu.per_core.map((p, i) => (
            <Tooltip key={i} label={`${t("monitor.core", { index: i })}: ${p.toFixed(1)} %`}>
              <div data-core={i} data-percent={p} style={{ width: 14, height: 32, borderRadius: 2, background: "var(--mantine-color-default-border)", position: "relative", overflow: "hidden" }}>
                <div style={{ position: "absolute", bottom: 0, width: "100%", height: `${p}%`, background: `var(--mantine-color-${color(p)}-6)` }} />
              </div>
            </Tooltip>
          ))}
        </Group>
        {s.cpu.load_avg && load && (
          <Text size="sm" data-testid="host-load">
            {t("monitor.load", { one: s.cpu.load_avg[0]?.toFixed(2), five: s.cpu.load_avg[1]?.toFixed(2), fifteen: s.cpu.load_avg[2]?.toFixed(2), perCore: load[0]?.toFixed(2) })}
          </Text>
        )}
        {history.t.length > 1 && (
          <UPlotChart
            data={[history.t.map((x) => x - t0), history.cpu, history.memory]}
            series={[{ label: t("monitor.cpu"), color: "#228be6" }, { label: t("monitor.hostMemory"), color: "#40c057" }]}
            height={140}
            xTime
            yRange={[0, 100]}
            testId="host-chart"
          />
        )}
      </Stack>
    </Paper>
  );
}
