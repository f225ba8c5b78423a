import { Alert, Badge, Center, Group, Loader, Paper, SimpleGrid, Stack, Text, Title } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { colorAt } from "../../lib/colors";
import { formatTime } from "../../lib/format";
import { GpuCard } from "./GpuCard";
import { HostPanel } from "./HostPanel";
import { TelemetryCharts } from "./TelemetryCharts";
import { HISTORY_LENGTH } from "./telemetry";
import { useTelemetry, type SocketState } from "./useTelemetry";

const SOCKET_COLORS: Record<SocketState, string> = { open: "teal", connecting: "yellow", closed: "red", refused: "red" };

/** Why there is nothing to show, in the server's words, and what would change that. */
function NoGpu({ reason }: { reason: string }) {
  const { t } = useTranslation();
  return (
    <Paper withBorder radius="md" p="xl" data-testid="no-gpu">
      <Stack gap="xs" align="center" ta="center">
        <Title order={4}>{t("monitor.noGpuTitle")}</Title>
        <Text data-testid="no-gpu-reason">{t("monitor.noGpu", { reason })}</Text>
        <Text size="sm" c="dimmed" maw={640}>
          {t("monitor.noGpuHelp")}
        </Text>
      </Stack>
    </Paper>
  );
}

export default function MonitorPage() {
  const { t } = useTranslation();
  const { telemetry, socket } = useTelemetry();
  const hasHistory = telemetry.history.length > 0;

  let body;
  if (socket === "refused") {
    body = <Alert color="red" title={t("monitor.refused")} data-testid="monitor-refused" />;
  } else if (telemetry.status === "waiting") {
    body = (
      <Center h={240}>
        <Stack align="center" gap="xs">
          <Loader />
          <Text c="dimmed" size="sm">
            {t("monitor.waiting")}
          </Text>
        </Stack>
      </Center>
    );
  } else if (telemetry.status === "unavailable" && !hasHistory) {
    body = <NoGpu reason={telemetry.reason ?? ""} />;
  } else {
    body = (
      <Stack gap="md">
        {telemetry.status === "unavailable" && (
          <Alert color="orange" title={t("monitor.lost")} data-testid="gpu-lost">
            {t("monitor.noGpu", { reason: telemetry.reason ?? "" })}
          </Alert>
        )}
        {telemetry.gpus.length === 0 ? (
          <Text c="dimmed" data-testid="no-gpus-listed">
            {t("monitor.noDevices")}
          </Text>
        ) : (
          // Two GPUs a row leave room for a process table with run ids; many GPUs go three a row.
          <SimpleGrid cols={{ base: 1, md: 2, xl: telemetry.gpus.length > 4 ? 3 : 2 }} spacing="sm">
            {telemetry.gpus.map((gpu) => (
              <GpuCard key={gpu.index} gpu={gpu} color={colorAt(gpu.index)} />
            ))}
          </SimpleGrid>
        )}
        <TelemetryCharts telemetry={telemetry} colorOf={colorAt} />
      </Stack>
    );
  }

  return (
    <Stack gap="md">
      <Group justify="space-between" align="flex-end">
        <Stack gap={2}>
          <Title order={3}>{t("monitor.title")}</Title>
          <Text size="sm" c="dimmed">
            {t("monitor.subtitle", { minutes: Math.round(HISTORY_LENGTH / 60) })}
          </Text>
        </Stack>
        <Group gap="xs">
          {telemetry.ts !== null && (
            <Text size="xs" c="dimmed" data-testid="last-sample">
              {t("monitor.lastSample", { time: formatTime(telemetry.ts) })}
            </Text>
          )}
          <Badge color={SOCKET_COLORS[socket]} variant="light" data-testid="socket-state" data-state={socket}>
            {t(`monitor.socket.${socket}`)}
          </Badge>
        </Group>
      </Group>
      {socket === "closed" && (
        <Alert color="yellow" data-testid="socket-closed">
          {t("monitor.reconnecting")}
        </Alert>
      )}
      <HostPanel />
      {body}
    </Stack>
  );
}
