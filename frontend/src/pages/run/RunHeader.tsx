import { Badge, Group, Paper, SimpleGrid, Stack, Text, Title } from "@mantine/core";
import { useTranslation } from "react-i18next";
import type { RunDetail } from "../../api/types";
import { StatusBadge } from "../../components/StatusBadge";
import { formatDuration, formatNumber, formatTime } from "../../lib/format";
import classes from "./RunHeader.module.css";
import { Fact } from "../../components/Fact";

export function LiveIndicator() {
  const { t } = useTranslation();
  return (
    <span className={classes.live} data-testid="live-indicator">
      <span className={classes.dot} />
      {t("run.live")}
    </span>
  );
}

export function RunHeader({ run, live }: { run: RunDetail; live: boolean }) {
  const { t } = useTranslation();
  const start = run.started_at ?? run.created_time;
  const end = run.ended_at ?? (run.status === "running" ? Date.now() / 1000 : null);
  return (
    <Paper withBorder p="md" radius="sm">
      <Stack gap="sm">
        <Group justify="space-between" align="flex-start">
          <div>
            <Group gap="sm">
              <Title order={3} data-testid="run-title">
                {run.project} / {run.name}
              </Title>
              <StatusBadge status={run.status} />
              {live && <LiveIndicator />}
            </Group>
            <Text size="xs" c="dimmed" ff="monospace">
              {run.id}
            </Text>
            {run.description && <Text size="sm" mt={4}>{run.description}</Text>}
          </div>
          <Group gap={4}>
            {(run.tags ?? []).map((tag) => (
              // As logged: a badge upper-cases by default.
              <Badge key={tag} variant="outline" color="gray" tt="none" data-testid="run-tag">
                {tag}
              </Badge>
            ))}
          </Group>
        </Group>
        <SimpleGrid cols={{ base: 2, sm: 3, lg: 6 }} spacing="sm">
          <Fact label={t("run.created")}>{formatTime(run.created_time)}</Fact>
          <Fact label={t("run.started")}>{formatTime(run.started_at)}</Fact>
          <Fact label={t("run.ended")}>{formatTime(run.ended_at)}</Fact>
          <Fact label={t("run.duration")}>{start !== null && end !== null ? formatDuration(end - start) : "—"}</Fact>
          <Fact label={t("run.process")} testId="run-process">
            {run.pid ?? "—"} @ {run.hostname ?? "—"}
          </Fact>
          <Fact label={t("run.best")} testId="run-best">
            {run.best_metric_value !== null ? (
              <>
                {run.best_metric_name} = <b>{formatNumber(run.best_metric_value)}</b>
                {run.best_metric_step !== null && (
                  <Text span size="xs" c="dimmed">
                    {" "}
                    ({t("run.atStep", { step: run.best_metric_step })})
                  </Text>
                )}
              </>
            ) : (
              "—"
            )}
          </Fact>
        </SimpleGrid>
      </Stack>
    </Paper>
  );
}
