import { useState } from "react";
import { Badge, Button, Center, Group, Loader, Modal, Stack, Table, Text } from "@mantine/core";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { settingsApi, settingsKeys, type ConnectionInput, type SavedConnection } from "../../api/settings";
import { ErrorAlert } from "../../components/ErrorAlert";
import { ConnectionForm } from "./ConnectionForm";

/** `set` / `not set` for a secret the server may remember; the secret itself never comes back. */
function SecretBadge({ label, isSet, testId }: { label: string; isSet: boolean; testId: string }) {
  const { t } = useTranslation();
  return (
    <Badge variant={isSet ? "light" : "outline"} color={isSet ? "teal" : "gray"} tt="none" data-testid={testId} data-set={isSet}>
      {label}: {isSet ? t("settings.secretSet") : t("settings.secretNotSet")}
    </Badge>
  );
}

const AUTH_LABELS = { password: "settings.authPassword", key: "settings.authKey", agent: "settings.authAgent" } as const;

type Editing = { mode: "new" } | { mode: "edit"; key: string };

export function SshConnectionsSection() {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const list = useQuery({ queryKey: settingsKeys.connections, queryFn: settingsApi.connections, staleTime: 0 });
  const [editing, setEditing] = useState<Editing | null>(null);
  const [deleting, setDeleting] = useState<SavedConnection | null>(null);
  const details = useQuery({
    queryKey: settingsKeys.connection(editing?.mode === "edit" ? editing.key : ""),
    queryFn: () => settingsApi.connection(editing?.mode === "edit" ? editing.key : ""),
    enabled: editing?.mode === "edit",
    staleTime: 0,
  });
  const refresh = () => void queryClient.invalidateQueries({ queryKey: settingsKeys.connections });

  const save = useMutation({
    mutationFn: async (input: ConnectionInput) => {
      const answer = await settingsApi.saveConnection(input);
      // A new host, port or user is a new key on the server: drop the entry it replaces.
      if (editing?.mode === "edit" && editing.key !== answer.key) await settingsApi.deleteConnection(editing.key);
      return answer;
    },
    onSuccess: () => {
      setEditing(null);
      refresh();
    },
  });
  const remove = useMutation({
    mutationFn: (key: string) => settingsApi.deleteConnection(key),
    onSuccess: () => {
      setDeleting(null);
      refresh();
    },
  });

  const open = (next: Editing) => {
    save.reset();
    setEditing(next);
  };
  const connections = list.data?.connections ?? [];

  let form = null;
  if (editing?.mode === "new") {
    form = <ConnectionForm initial={null} saving={save.isPending} error={save.error} onSave={(input) => save.mutate(input)} onCancel={() => setEditing(null)} />;
  } else if (editing?.mode === "edit") {
    form = details.isPending ? (
      <Center h={160}>
        <Loader />
      </Center>
    ) : details.error ? (
      <ErrorAlert error={details.error} onRetry={() => void details.refetch()} />
    ) : (
      <ConnectionForm
        key={details.data.connection.key}
        initial={details.data.connection}
        saving={save.isPending}
        error={save.error}
        onSave={(input) => save.mutate(input)}
        onCancel={() => setEditing(null)}
      />
    );
  }

  return (
    <Stack gap="sm">
      <Group justify="space-between">
        <Text size="sm" c="dimmed">
          {t("settings.sshHelp")}
        </Text>
        <Button variant="light" onClick={() => open({ mode: "new" })} data-testid="conn-add">
          {t("settings.connAdd")}
        </Button>
      </Group>
      {list.error && <ErrorAlert error={list.error} onRetry={() => void list.refetch()} />}
      {list.isPending ? (
        <Center h={80}>
          <Loader size="sm" />
        </Center>
      ) : connections.length === 0 ? (
        <Text c="dimmed" size="sm" data-testid="conn-empty">
          {t("settings.connEmpty")}
        </Text>
      ) : (
        <Table.ScrollContainer minWidth={760}>
          <Table withTableBorder highlightOnHover verticalSpacing={6} data-testid="conn-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t("settings.connName")}</Table.Th>
                <Table.Th>{t("settings.connTarget")}</Table.Th>
                <Table.Th>{t("settings.connAuth")}</Table.Th>
                <Table.Th>{t("settings.connSecrets")}</Table.Th>
                <Table.Th w={160} />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {connections.map((c) => (
                <Table.Tr key={c.key} data-conn-key={c.key} data-testid="conn-row">
                  <Table.Td>
                    <Text size="sm" fw={500}>
                      {c.name || t("common.none")}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm" ff="monospace">
                      {c.username}@{c.host}:{c.port}
                    </Text>
                    {c.private_key_path && (
                      <Text size="xs" c="dimmed" ff="monospace">
                        {c.private_key_path}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">{t(AUTH_LABELS[c.auth_method] ?? c.auth_method)}</Text>
                  </Table.Td>
                  <Table.Td>
                    <Group gap={6}>
                      {c.auth_method === "password" && <SecretBadge label={t("settings.connPassword")} isSet={c.has_password} testId="conn-has-password" />}
                      {c.auth_method === "key" && (
                        <>
                          <SecretBadge label={t("settings.connPrivateKey")} isSet={c.has_private_key} testId="conn-has-key" />
                          <SecretBadge label={t("settings.connPassphrase")} isSet={c.has_passphrase} testId="conn-has-passphrase" />
                        </>
                      )}
                      {c.auth_method === "agent" && (
                        <Text size="xs" c="dimmed">
                          {t("settings.agentNoSecret")}
                        </Text>
                      )}
                    </Group>
                  </Table.Td>
                  <Table.Td>
                    <Group gap={6} justify="flex-end" wrap="nowrap">
                      <Button size="xs" variant="default" onClick={() => open({ mode: "edit", key: c.key })} data-testid="conn-edit">
                        {t("settings.connEdit")}
                      </Button>
                      <Button size="xs" variant="light" color="red" onClick={() => {
                          remove.reset();
                          setDeleting(c);
                        }} data-testid="conn-delete">
                        {t("settings.connDelete")}
                      </Button>
                    </Group>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <Modal opened={editing !== null} onClose={() => setEditing(null)} title={editing?.mode === "edit" ? t("settings.connEditTitle") : t("settings.connAddTitle")} size="lg">
        {form}
      </Modal>
      <Modal opened={deleting !== null} onClose={() => setDeleting(null)} title={t("settings.connDeleteTitle")}>
        <Stack gap="sm">
          <Text size="sm">{t("settings.connDeleteBody", { target: deleting ? `${deleting.username}@${deleting.host}:${deleting.port}` : "" })}</Text>
          {remove.error && <ErrorAlert error={remove.error} />}
          <Group justify="flex-end" gap="sm">
            <Button variant="default" onClick={() => setDeleting(null)}>
              {t("common.cancel")}
            </Button>
            <Button color="red" loading={remove.isPending} onClick={() => deleting && remove.mutate(deleting.key)} data-testid="conn-delete-confirm">
              {t("settings.connDelete")}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Stack>
  );
}
