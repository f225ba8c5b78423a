import { Alert, Button, Code, Group, Stack, Table, Text, Title } from "@mantine/core";
import { useTranslation } from "react-i18next";
import type { HostKey } from "../../api/remote";
import { RemoteErrorAlert } from "./RemoteErrorAlert";

/** Where OpenSSH keeps the server's public key of this type, for the user to check it there. */
function hostKeyFile(keyType: string): string {
  const kind = keyType.startsWith("ecdsa-") ? "ecdsa" : keyType.replace(/^ssh-/, "");
  return `/etc/ssh/ssh_host_${kind}_key.pub`;
}

export interface HostKeyStepProps {
  hostKey: HostKey;
  busy: boolean;
  error: unknown;
  onAccept: () => void;
  onCancel: () => void;
}

/** The server's key, shown for the user to compare before anything is sent to the server. */
export function HostKeyStep({ hostKey, busy, error, onAccept, onCancel }: HostKeyStepProps) {
  const { t } = useTranslation();
  const changed = hostKey.reason === "changed";
  const where = `${hostKey.host}:${hostKey.port}`;
  return (
    <Stack gap="md" maw={820} data-testid="host-key-step" data-reason={hostKey.reason}>
      <Title order={4}>{changed ? t("remote.hostKey.titleChanged") : t("remote.hostKey.titleUnknown")}</Title>
      <Alert color={changed ? "red" : "blue"} variant="light">
        {changed ? t("remote.hostKey.changed", { where }) : t("remote.hostKey.unknown", { where })}
        <Text size="sm" mt="xs">
          {t("remote.hostKey.onServer")} <Code>ssh-keygen -lf {hostKeyFile(hostKey.key_type)}</Code>
        </Text>
      </Alert>
      <Table withTableBorder variant="vertical" layout="fixed">
        <Table.Tbody>
          <Table.Tr>
            <Table.Th w={220}>{t("remote.hostKey.host")}</Table.Th>
            <Table.Td>
              <Code>{hostKey.known_hosts_host}</Code>
            </Table.Td>
          </Table.Tr>
          <Table.Tr>
            <Table.Th>{t("remote.hostKey.keyType")}</Table.Th>
            <Table.Td>
              <Code data-testid="host-key-type">{hostKey.key_type}</Code>
            </Table.Td>
          </Table.Tr>
          <Table.Tr>
            <Table.Th>{t("remote.hostKey.fingerprint")}</Table.Th>
            <Table.Td>
              <Code data-testid="host-key-fingerprint" style={{ overflowWrap: "anywhere" }} fz="sm">
                {hostKey.fingerprint_sha256}
              </Code>
            </Table.Td>
          </Table.Tr>
          {changed && hostKey.expected_fingerprint_sha256 && (
            <Table.Tr>
              <Table.Th>{t("remote.hostKey.expected")}</Table.Th>
              <Table.Td>
                <Code data-testid="host-key-expected" style={{ overflowWrap: "anywhere" }} fz="sm">
                  {hostKey.expected_key_type ? `${hostKey.expected_key_type} ` : ""}
                  {hostKey.expected_fingerprint_sha256}
                </Code>
              </Table.Td>
            </Table.Tr>
          )}
        </Table.Tbody>
      </Table>
      {error != null && !busy && <RemoteErrorAlert error={error} context={{ host: hostKey.host, port: hostKey.port }} />}
      <Group justify="flex-end">
        <Button variant="default" onClick={onCancel} disabled={busy} data-testid="host-key-cancel">
          {t("remote.hostKey.cancel")}
        </Button>
        <Button color={changed ? "red" : undefined} onClick={onAccept} loading={busy} data-testid="host-key-accept">
          {changed ? t("remote.hostKey.acceptChanged") : t("remote.hostKey.accept")}
        </Button>
      </Group>
    </Stack>
  );
}
