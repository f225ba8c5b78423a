import { useEffect, useRef, useState } from "react";
import { Badge, Group, Stack, TextInput } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { socketRefused, sockets } from "../../api/client";
import { LogView } from "./LogView";

const MAX_LINES = 200_000;

/**
 * The run's logs.txt through the logs WebSocket: the last 10,000 lines, then each new one. The
 * array is filled in place; `version` changes when it did.
 */
export function useLogLines(runId: string, enabled = true) {
  const lines = useRef<string[]>([]);
  const [version, setVersion] = useState(0);
  const [connected, setConnected] = useState(false);

  useEffect(() => {
    lines.current = [];
    setVersion((v) => v + 1);
    if (!enabled) return;
    const socket = new WebSocket(sockets.logs(runId));
    // Thousands of frames arrive at once on connect: render once per animation frame.
    let pending: string[] = [];
    let frame = 0;
    const flush = () => {
      frame = 0;
      const all = lines.current;
      for (const line of pending) all.push(line);
      pending = [];
      if (all.length > MAX_LINES) all.splice(0, all.length - MAX_LINES);
      setVersion((v) => v + 1);
    };
    socket.onopen = () => setConnected(true);
    socket.onclose = (event: CloseEvent) => {
      setConnected(false);
      socketRefused(event.code); // 4401: the login page; 4403: a "no permission" notice
    };
    socket.onmessage = (event: MessageEvent<string>) => {
      pending.push(event.data);
      if (!frame) frame = requestAnimationFrame(flush);
    };
    return () => {
      cancelAnimationFrame(frame);
      socket.close();
    };
  }, [runId, enabled]);
  return { lines: lines.current, version, connected };
}

/** The run's logs, searchable, following new lines while the run runs. */
export function LogsTab({ runId, running }: { runId: string; running: boolean }) {
  const { t } = useTranslation();
  const { lines, version, connected } = useLogLines(runId);
  const [search, setSearch] = useState("");

  return (
    <Stack gap="xs">
      <Group justify="space-between">
        <TextInput
          placeholder={t("run.logSearch")}
          value={search}
          onChange={(e) => setSearch(e.currentTarget.value)}
          w={320}
          data-testid="log-search"
        />
        {connected && running && (
          <Badge color="teal" variant="dot" data-testid="logs-live">
            {t("run.live")}
          </Badge>
        )}
      </Group>
      <LogView lines={lines} version={version} search={search} />
    </Stack>
  );
}
