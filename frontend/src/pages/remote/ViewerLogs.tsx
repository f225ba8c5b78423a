import { useEffect, useRef } from "react";
import { Group, Loader, Paper, ScrollArea, Text, Title } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { remote } from "../../api/remote";
import { RemoteErrorAlert } from "./RemoteErrorAlert";

const LINES = 200;

/** The last lines the remote viewer wrote, refreshed every 3 s; follows the end unless scrolled up. */
export function ViewerLogs({ connectionId, queryKey }: { connectionId: string; queryKey: readonly unknown[] }) {
  const { t } = useTranslation();
  const logs = useQuery({ queryKey, queryFn: () => remote.viewerLogs(connectionId, LINES), refetchInterval: 3000, retry: false });
  const viewport = useRef<HTMLDivElement>(null);
  const following = useRef(true);
  const lines = logs.data?.logs ?? [];
  const last = lines[lines.length - 1];

  useEffect(() => {
    const element = viewport.current;
    if (element && following.current) element.scrollTop = element.scrollHeight;
  }, [lines.length, last]);

  return (
    <Paper withBorder p="md" radius="sm" data-testid="viewer-logs-card">
      <Group justify="space-between" mb="xs">
        <Title order={5}>{t("remote.panel.logs")}</Title>
        <Group gap={6}>
          {logs.isFetching && <Loader size={12} />}
          <Text size="xs" c="dimmed">
            {t("remote.panel.logsHint")}
          </Text>
        </Group>
      </Group>
      {logs.error && <RemoteErrorAlert error={logs.error} />}
      <ScrollArea
        h={340}
        viewportRef={viewport}
        onScrollPositionChange={({ y }) => {
          const element = viewport.current;
          if (element) following.current = y + element.clientHeight >= element.scrollHeight - 8;
        }}
        style={{ background: "var(--mantine-color-default-hover)", borderRadius: "var(--mantine-radius-sm)" }}
      >
        <pre data-testid="viewer-logs" data-lines={lines.length} style={{ margin: 0, padding: 8, fontSize: 12, lineHeight: 1.45, whiteSpace: "pre-wrap", overflowWrap: "anywhere" }}>
          {lines.length ? lines.join("\n") : logs.isPending ? "" : t("remote.panel.noLogs")}
        </pre>
      </ScrollArea>
    </Paper>
  );
}
