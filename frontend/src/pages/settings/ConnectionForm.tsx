import { useState, type FormEvent } from "react";
import {
  Alert,
  Button,
  Group,
  NumberInput,
  PasswordInput,
  SegmentedControl,
  SimpleGrid,
  Stack,
  Switch,
  Text,
  TextInput,
  Textarea,
} from "@mantine/core";
import { useTranslation } from "react-i18next";
import type { AuthMethod, ConnectionInput, SavedConnection } from "../../api/settings";

interface Props {
  /** The connection being edited (secrets masked), or null for a new one. */
  initial: SavedConnection | null;
  saving: boolean;
  error: unknown;
  onSave: (input: ConnectionInput) => void;
  onCancel: () => void;
}

/**
 * Add or edit a saved SSH connection. Secret fields start empty: the server never sends a secret
 * back. Left empty while editing, a remembered secret stays as it is.
 */
export function ConnectionForm({ initial, saving, error, onSave, onCancel }: Props) {
  const { t } = useTranslation();
  const [name, setName] = useState(initial?.name ?? "");
  const [host, setHost] = useState(initial?.host ?? "");
  const [port, setPort] = useState<number | string>(initial?.port ?? 22);
  const [username, setUsername] = useState(initial?.username ?? "");
  const [method, setMethod] = useState<AuthMethod>(initial?.auth_method ?? "password");
  const [keyPath, setKeyPath] = useState(initial?.private_key_path ?? "");
  const [remember, setRemember] = useState(initial?.remember_password ?? false);
  const [password, setPassword] = useState("");
  const [privateKey, setPrivateKey] = useState("");
  const [passphrase, setPassphrase] = useState("");

  // The server keys a connection by host, port and user: changing one makes a new entry, which
  // does not inherit the old entry's remembered secrets.
  const keyChanged = initial !== null && (host.trim() !== initial.host || Number(port) !== initial.port || username.trim() !== initial.username);
  const keep = (isSet: boolean | undefined) => (isSet && !keyChanged ? t("settings.secretKept") : undefined);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const input: ConnectionInput = {
      name: name.trim(),
      host: host.trim(),
      port: typeof port === "number" ? port : Number(port) || 22,
      username: username.trim(),
      auth_method: method,
      remember_password: remember,
    };
    if (method === "key" && keyPath.trim()) input.private_key_path = keyPath.trim();
    if (remember) {
      if (method === "password" && password) input.password = password;
      if (method === "key" && privateKey.trim()) input.private_key = privateKey;
      if (method === "key" && passphrase) input.passphrase = passphrase;
    }
    onSave(input);
  };

  return (
    <form onSubmit={submit} data-testid="connection-form">
      <Stack gap="sm">
        <TextInput label={t("settings.connName")} placeholder={t("settings.connNamePlaceholder")} value={name} onChange={(e) => setName(e.currentTarget.value)} data-testid="conn-name" />
        <SimpleGrid cols={3} spacing="sm">
          <TextInput label={t("settings.connHost")} required value={host} onChange={(e) => setHost(e.currentTarget.value)} data-testid="conn-host" spellCheck={false} />
          <NumberInput label={t("settings.connPort")} min={1} max={65535} allowDecimal={false} value={port} onChange={setPort} data-testid="conn-port" />
          <TextInput label={t("settings.connUser")} required value={username} onChange={(e) => setUsername(e.currentTarget.value)} data-testid="conn-user" spellCheck={false} />
        </SimpleGrid>
        <div>
          <Text size="sm" fw={500} mb={4}>
            {t("settings.connAuth")}
          </Text>
          <SegmentedControl
            value={method}
            onChange={(v) => setMethod(v as AuthMethod)}
            data={[
              { value: "password", label: t("settings.authPassword") },
              { value: "key", label: t("settings.authKey") },
              { value: "agent", label: t("settings.authAgent") },
            ]}
            data-testid="conn-auth"
          />
        </div>
        {method === "key" && (
          <TextInput
            label={t("settings.connKeyPath")}
            description={t("settings.connKeyPathHelp")}
            placeholder="~/.ssh/id_ed25519"
            value={keyPath}
            onChange={(e) => setKeyPath(e.currentTarget.value)}
            data-testid="conn-key-path"
            spellCheck={false}
          />
        )}
        <Switch
          label={t("settings.connRemember")}
          description={t("settings.connRememberHelp")}
          checked={remember}
          onChange={(e) => setRemember(e.currentTarget.checked)}
          data-testid="conn-remember"
        />
        {method === "password" && (
          <PasswordInput
            label={t("settings.connPassword")}
            disabled={!remember}
            placeholder={keep(initial?.has_password)}
            value={password}
            onChange={(e) => setPassword(e.currentTarget.value)}
            data-testid="conn-password"
            autoComplete="new-password"
          />
        )}
        {method === "key" && (
          <>
            <Textarea
              label={t("settings.connPrivateKey")}
              disabled={!remember}
              placeholder={keep(initial?.has_private_key) ?? "-----BEGIN OPENSSH PRIVATE KEY-----"}
              autosize
              minRows={2}
              maxRows={6}
              value={privateKey}
              onChange={(e) => setPrivateKey(e.currentTarget.value)}
              data-testid="conn-private-key"
              styles={{ input: { fontFamily: "var(--mantine-font-family-monospace)" } }}
            />
            <PasswordInput
              label={t("settings.connPassphrase")}
              disabled={!remember}
              placeholder={keep(initial?.has_passphrase)}
              value={passphrase}
              onChange={(e) => setPassphrase(e.currentTarget.value)}
              data-testid="conn-passphrase"
              autoComplete="new-password"
            />
          </>
        )}
        {keyChanged && (initial?.has_password || initial?.has_private_key || initial?.has_passphrase) && (
          <Text size="xs" c="orange" data-testid="conn-key-changed">
            {t("settings.connKeyChanged")}
          </Text>
        )}
        {error != null && (
          <Alert color="red" title={t("settings.connRefused")} data-testid="conn-error">
            {error instanceof Error ? error.message : String(error)}
          </Alert>
        )}
        <Group justify="flex-end" gap="sm">
          <Button variant="default" onClick={onCancel}>
            {t("common.cancel")}
          </Button>
          <Button type="submit" loading={saving} disabled={!host.trim() || !username.trim()} data-testid="conn-save">
            {t("settings.connSave")}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
