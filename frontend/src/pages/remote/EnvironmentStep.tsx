import { useState } from "react";
import { Badge, Button, Center, Group, Loader, Paper, Radio, Stack, Table, Text } from "@mantine/core";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { remote, type RemoteConnection, type RemoteEnvironment } from "../../api/remote";
import { RemoteErrorAlert } from "./RemoteErrorAlert";
import { canRunViewer, defaultEnvironment } from "./wizard";

export const environmentsKey = (connectionId: string) => ["remote", "environments", connectionId] as const;

function EnvironmentTable({
  envs,
  selected,
  recommended,
  onSelect,
}: {
  envs: RemoteEnvironment[];
  selected: string | null;
  recommended: string | null;
  onSelect: (name: string) => void;
}) {
  const { t } = useTranslation();
  return (
    <Table.ScrollContainer minWidth={800}>
      <Table highlightOnHover verticalSpacing="xs" data-testid="environment-table">
        <Table.Thead>
          <Table.Tr>
            <Table.Th w={40} />
            <Table.Th>{t("remote.env.name")}</Table.Th>
            <Table.Th w={100}>{t("remote.env.python")}</Table.Th>
            <Table.Th w={140}>{t("remote.env.runicorn")}</Table.Th>
            <Table.Th>{t("remote.env.storageRoot")}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {envs.map((env) => {
            const usable = canRunViewer(env);
            return (
              <Table.Tr
                key={env.python_path + env.name}
                data-testid="environment-row"
                data-env={env.name}
                data-usable={usable}
                style={{ cursor: usable ? "pointer" : "default", opacity: usable ? 1 : 0.6 }}
                onClick={() => usable && onSelect(env.name)}
              >
                <Table.Td>
                  <Radio
                    checked={selected === env.name}
                    disabled={!usable}
                    onChange={() => onSelect(env.name)}
                    aria-label={t("remote.env.pick", { name: env.name })}
                  />
                </Table.Td>
                <Table.Td>
                  <Group gap={6} wrap="nowrap">
                    <Text size="sm" fw={500}>
                      {env.name}
                    </Text>
                    <Badge size="xs" variant="light" color="gray">
                      {env.type}
                    </Badge>
                    {env.name === recommended && (
                      <Badge size="xs" variant="light" data-testid="environment-default">
                        {t("remote.env.recommended")}
                      </Badge>
                    )}
                  </Group>
                  <Text size="xs" c="dimmed" ff="monospace">
                    {env.python_path}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Text size="sm">{env.python_version}</Text>
                </Table.Td>
                <Table.Td>
                  {env.runicorn_installed ? (
                    <Group gap={6} wrap="nowrap">
                      <Text size="sm" data-testid="environment-runicorn">
                        {env.runicorn_version ?? "?"}
                      </Text>
                      {!env.viewer_installed && (
                        <Badge size="xs" color="orange" variant="light">
                          {t("remote.env.noViewer")}
                        </Badge>
                      )}
                    </Group>
                  ) : (
                    <Badge size="sm" color="gray" variant="outline">
                      {t("remote.env.notInstalled")}
                    </Badge>
                  )}
                </Table.Td>
                <Table.Td>
                  <Text size="sm" ff="monospace" style={{ overflowWrap: "anywhere" }} data-testid="environment-root">
                    {env.storage_root}
                  </Text>
                  <Text size="xs" c="dimmed">
                    {t(`remote.env.source.${env.storage_root_source}`, { defaultValue: env.storage_root_source })}
                  </Text>
                </Table.Td>
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

export interface EnvironmentStepProps {
  connection: RemoteConnection;
  initial: RemoteEnvironment | null;
  disconnecting: boolean;
  onChosen: (env: RemoteEnvironment) => void;
  onDisconnect: () => void;
}

export function EnvironmentStep({ connection, initial, disconnecting, onChosen, onDisconnect }: EnvironmentStepProps) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const key = environmentsKey(connection.connection_id);
  // Detection runs on the server the first time (seconds); the answer is cached there.
  const envs = useQuery({ queryKey: key, queryFn: () => remote.environments(connection.connection_id), retry: false, staleTime: Infinity });
  const detect = useMutation({
    mutationFn: () => remote.detectEnvironments(connection.connection_id),
    onSuccess: (answer) => queryClient.setQueryData(key, answer),
  });
  const [picked, setPicked] = useState<string | null>(initial?.name ?? null);
  const list = envs.data?.environments ?? [];
  const recommended = defaultEnvironment(list);
  const selectedName = picked && list.some((e) => e.name === picked && canRunViewer(e)) ? picked : (recommended?.name ?? null);
  const selected = list.find((e) => e.name === selectedName) ?? null;
  const info = connection.server_info;
  const detecting = envs.isPending || detect.isPending;

  return (
    <Stack gap="md" data-testid="environment-step">
      <Group justify="space-between">
        <Text size="sm" data-testid="connected-to">
          {t("remote.env.connectedTo", { where: `${connection.username}@${connection.host}:${connection.port}` })}
          {info.hostname ? ` · ${info.hostname}` : ""}
          {info.os ? ` · ${info.os} ${info.kernel}` : ""}
        </Text>
        <Button variant="default" size="xs" onClick={() => detect.mutate()} loading={detect.isPending} disabled={envs.isPending} data-testid="detect-again">
          {t("remote.env.detectAgain")}
        </Button>
      </Group>
      {(envs.error ?? detect.error) && <RemoteErrorAlert error={envs.error ?? detect.error} context={{ host: connection.host, port: connection.port }} />}
      <Paper withBorder radius="sm">
        {detecting ? (
          <Center h={180}>
            <Group gap="sm">
              <Loader size="sm" />
              <Text size="sm" c="dimmed" data-testid="detecting">
                {t("remote.env.detecting")}
              </Text>
            </Group>
          </Center>
        ) : (
          <>
            {list.length > 0 && <EnvironmentTable envs={list} selected={selectedName} recommended={recommended?.name ?? null} onSelect={setPicked} />}
            {!recommended && !envs.error && (
              <Text size="sm" c="dimmed" p="md" data-testid="no-environment">
                {t("remote.env.none")}
              </Text>
            )}
          </>
        )}
      </Paper>
      <Group justify="space-between">
        <Button variant="default" color="red" onClick={onDisconnect} loading={disconnecting} data-testid="env-disconnect">
          {t("remote.env.disconnect")}
        </Button>
        <Button disabled={!selected || detecting} onClick={() => selected && onChosen(selected)} data-testid="env-next">
          {t("remote.env.next")}
        </Button>
      </Group>
    </Stack>
  );
}
