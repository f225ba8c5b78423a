import { useEffect, useState } from "react";
import { Alert, Badge, Button, Grid, Group, Paper, SimpleGrid, Stack, Text, Title } from "@mantine/core";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { RemoteApiError, remote, type RemoteConnection, type ViewerState } from "../../api/remote";
import { formatDuration } from "../../lib/format";
import { needsReconnect, adviceFor } from "./advice";
import { FactsTable } from "./FactsTable";
import { HealthChecks } from "./HealthChecks";
import { RemoteErrorAlert } from "./RemoteErrorAlert";
import { ViewerLogs } from "./ViewerLogs";

const STATUS_COLORS: Record<string, string> = { running: "teal", stopped: "gray", starting: "blue", disconnected: "red" };

export const panelKeys = (connectionId: string) => ({
  status: ["remote", "viewer-status", connectionId] as const,
  health: ["remote", "health", connectionId] as const,
  ping: ["remote", "ping", connectionId] as const,
  logs: ["remote", "logs", connectionId] as const,
});

/** Whole seconds under a minute (`42s`), else hours and minutes as elsewhere in the app. */
export function formatUptime(seconds: number): string {
  return seconds < 60 ? `${Math.floor(seconds)}s` : formatDuration(Math.floor(seconds));
}

/** Seconds since `since` (ms), ticking once a second while `active`. */
function useElapsed(since: number, active: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!active) return;
    const timer = window.setInterval(() => setNow(Date.now()), 1000);
    return () => window.clearInterval(timer);
  }, [active]);
  return Math.max(0, (now - since) / 1000);
}

function Stat({ label, children, testId }: { label: string; children: React.ReactNode; testId: string }) {
  return (
    <Paper withBorder p="sm" radius="sm">
      <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
        {label}
      </Text>
      <Text size="lg" fw={600} mt={4} data-testid={testId} style={{ overflowWrap: "anywhere" }}>
        {children}
      </Text>
    </Paper>
  );
}

function Details({ viewer }: { viewer: ViewerState }) {
  const { t } = useTranslation();
  const rows: [string, string][] = [
    [t("remote.panel.environment"), viewer.env_name ?? "—"],
    [t("remote.panel.root"), viewer.remote_root ?? "—"],
    [t("remote.panel.process"), viewer.pid ? t("remote.panel.processValue", { pid: viewer.pid, port: viewer.remote_port }) : "—"],
  ];
  return <FactsTable rows={rows} labelWidth={170} testId="viewer-details" />;
}

/**
 * The overall health. With the viewer stopped on purpose the API says "degraded" (SSH alone
 * passes): the panel says so in calmer words.
 */
function HealthState({ health, running }: { health: string; running: boolean }) {
  const { t } = useTranslation();
  const idle = !running && health === "degraded";
  const color = idle ? "dimmed" : health === "healthy" ? "teal" : health === "degraded" ? "yellow.7" : "red";
  return (
    <Text span inherit c={color} data-health={health}>
      {t(`remote.panel.healthState.${idle ? "idle" : health}`)}
    </Text>
  );
}

export interface SessionPanelProps {
  connection: RemoteConnection;
  onStartAgain: () => void;
  onReconnect: () => void;
  onDisconnected: () => void;
}

/** The running session: status, health, latency and output of the remote viewer, with its controls. */
export function SessionPanel({ connection, onStartAgain, onReconnect, onDisconnected }: SessionPanelProps) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const cid = connection.connection_id;
  const keys = panelKeys(cid);
  const context = { host: connection.host, port: connection.port };
  const status = useQuery({ queryKey: keys.status, queryFn: () => remote.viewerStatus(cid), refetchInterval: 5000, retry: false });
  const viewer = status.data?.viewer;
  const running = viewer?.status === "running";
  const connected = viewer?.status !== "disconnected" && !(status.error && needsReconnect(adviceFor(status.error)));
  const health = useQuery({ queryKey: keys.health, queryFn: () => remote.health(cid), refetchInterval: 10_000, retry: false });
  const ping = useQuery({ queryKey: keys.ping, queryFn: () => remote.ping(cid), refetchInterval: 10_000, retry: false, enabled: connected });
  const [stoppedNotice, setStoppedNotice] = useState(false);

  const refresh = () => {
    for (const key of [keys.status, keys.health, keys.logs]) void queryClient.invalidateQueries({ queryKey: key });
    void queryClient.invalidateQueries({ queryKey: ["remote", "connections"] });
  };
  const stop = useMutation({
    mutationFn: () => remote.stopViewer(cid),
    onSuccess: () => {
      setStoppedNotice(true);
      refresh();
    },
  });
  const disconnect = useMutation({
    mutationFn: () => remote.disconnect(cid),
    onSuccess: () => {
      queryClient.removeQueries({ queryKey: ["remote"], predicate: (q) => q.queryKey.includes(cid) });
      void queryClient.invalidateQueries({ queryKey: ["remote", "connections"] });
      onDisconnected();
    },
  });

  const uptimeBase = viewer?.uptime_seconds;
  const elapsed = useElapsed(status.dataUpdatedAt, running);
  const uptime = running && uptimeBase !== undefined ? formatUptime(uptimeBase + elapsed) : "—";
  const state = viewer?.status ?? (status.isPending ? "starting" : "stopped");
  const lost =
    viewer?.status === "disconnected"
      ? new RemoteApiError(409, "connection_lost", health.data?.details.ssh_connection ?? t("remote.errors.lost.title"))
      : null;
  const panelError = lost ?? status.error ?? stop.error ?? disconnect.error;

  return (
    <Stack gap="md" data-testid="session-panel">
      <Group justify="space-between" align="center">
        <Group gap="sm">
          <Title order={4}>{t("remote.panel.title", { where: `${connection.username}@${connection.host}:${connection.port}` })}</Title>
          <Badge color={STATUS_COLORS[state] ?? "gray"} variant="light" size="lg" data-testid="viewer-status" data-status={state}>
            {t(`remote.panel.status.${state}`, { defaultValue: state })}
          </Badge>
        </Group>
        <Group gap="xs">
          {running && viewer?.url && (
            <Button component="a" href={viewer.url} target="_blank" rel="noopener noreferrer" data-testid="open-remote-viewer">
              {t("remote.panel.open")} ↗
            </Button>
          )}
          {running && (
            <Button color="red" variant="light" onClick={() => stop.mutate()} loading={stop.isPending} data-testid="viewer-stop">
              {t("remote.panel.stop")}
            </Button>
          )}
          {!running && viewer?.status === "stopped" && (
            <Button onClick={onStartAgain} data-testid="viewer-start-again">
              {t("remote.panel.startAgain")}
            </Button>
          )}
          <Button variant="default" onClick={() => disconnect.mutate()} loading={disconnect.isPending} disabled={stop.isPending} data-testid="panel-disconnect">
            {t("remote.panel.disconnect")}
          </Button>
        </Group>
      </Group>
      {stoppedNotice && viewer?.status === "stopped" && (
        <Alert color="teal" variant="light" withCloseButton onClose={() => setStoppedNotice(false)} data-testid="viewer-stopped">
          {t("remote.panel.stopped")}
        </Alert>
      )}
      {panelError != null && (
        <RemoteErrorAlert error={panelError} context={context}>
          {needsReconnect(adviceFor(panelError)) && (
            <Button size="xs" mt="sm" onClick={onReconnect} data-testid="panel-reconnect">
              {t("remote.panel.connectAgain")}
            </Button>
          )}
        </RemoteErrorAlert>
      )}
      <SimpleGrid cols={{ base: 1, sm: 2, lg: 4 }}>
        <Stat label={t("remote.panel.health")} testId="health-overall">
          {health.data ? <HealthState health={health.data.health} running={running} /> : "…"}
        </Stat>
        <Stat label={t("remote.panel.uptime")} testId="viewer-uptime">
          {uptime}
        </Stat>
        <Stat label={t("remote.panel.latency")} testId="viewer-latency">
          {ping.data && connected ? `${ping.data.latency_ms.toFixed(1)} ms` : "—"}
        </Stat>
        <Stat label={t("remote.panel.localUrl")} testId="viewer-url">
          {running && viewer?.url ? (
            <Text span inherit ff="monospace" fz="md">
              {viewer.url}
            </Text>
          ) : (
            "—"
          )}
        </Stat>
      </SimpleGrid>
      <Grid gap="md">
        <Grid.Col span={{ base: 12, lg: 5 }}>
          <Stack gap="md">
            {viewer && running && <Details viewer={viewer} />}
            <HealthChecks health={health.data ?? null} error={health.error} context={context} />
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, lg: 7 }}>{running && <ViewerLogs connectionId={cid} queryKey={keys.logs} />}</Grid.Col>
      </Grid>
    </Stack>
  );
}
