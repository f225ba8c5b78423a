import { useState } from "react";
import { Button, Group, Loader, Paper, Stack, Text, TextInput, Title } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { remote, type RemoteConnection, type RemoteEnvironment } from "../../api/remote";
import { FactsTable } from "./FactsTable";
import { RemoteErrorAlert } from "./RemoteErrorAlert";

export interface ReviewStepProps {
  connection: RemoteConnection;
  env: RemoteEnvironment;
  starting: boolean;
  error: unknown;
  onBack: () => void;
  onStart: (remoteRoot: string) => void;
}

export function ReviewStep({ connection, env, starting, error, onBack, onStart }: ReviewStepProps) {
  const { t } = useTranslation();
  // The environment's configuration as it is now (the detection may be minutes old).
  const config = useQuery({
    queryKey: ["remote", "config", connection.connection_id, env.name],
    queryFn: () => remote.config(connection.connection_id, env.name),
    retry: false,
  });
  const [edited, setEdited] = useState<string | null>(null);
  const root = edited ?? config.data?.config.storage_root ?? env.storage_root;
  const rows: [string, string][] = [
    [t("remote.review.server"), `${connection.username}@${connection.host}:${connection.port}`],
    [t("remote.review.environment"), `${env.name} (${env.type}, Python ${config.data?.python_version ?? env.python_version})`],
    [t("remote.review.interpreter"), env.python_path],
    [t("remote.review.runicorn"), config.data?.runicorn_version ?? env.runicorn_version ?? "?"],
  ];
  return (
    <Stack gap="md" maw={900} data-testid="review-step">
      <Title order={4}>{t("remote.review.title")}</Title>
      <FactsTable rows={rows} labelWidth={240} />
      {config.error && <RemoteErrorAlert error={config.error} context={{ host: connection.host, port: connection.port }} />}
      <TextInput
        label={t("remote.review.root")}
        description={t("remote.review.rootHint")}
        value={root}
        onChange={(e) => setEdited(e.currentTarget.value)}
        rightSection={config.isPending ? <Loader size="xs" /> : undefined}
        disabled={starting}
        spellCheck={false}
        styles={{ input: { fontFamily: "var(--mantine-font-family-monospace)" } }}
        data-testid="remote-root"
      />
      {starting && (
        <Paper withBorder p="md" radius="sm" data-testid="viewer-starting">
          <Group gap="sm" wrap="nowrap">
            <Loader size="sm" />
            <Text size="sm">{t("remote.review.starting")}</Text>
          </Group>
        </Paper>
      )}
      {error != null && !starting && <RemoteErrorAlert error={error} context={{ host: connection.host, port: connection.port }} />}
      <Group justify="space-between">
        <Button variant="default" onClick={onBack} disabled={starting} data-testid="review-back">
          {t("remote.review.back")}
        </Button>
        <Button onClick={() => onStart(root.trim())} loading={starting} disabled={!root.trim()} data-testid="viewer-start">
          {t("remote.review.start")}
        </Button>
      </Group>
    </Stack>
  );
}
