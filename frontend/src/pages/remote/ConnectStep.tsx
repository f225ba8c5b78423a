import { useState, type FormEvent } from "react";
import {
  Button,
  Checkbox,
  Group,
  Loader,
  NumberInput,
  PasswordInput,
  SegmentedControl,
  Select,
  Stack,
  Text,
  TextInput,
} from "@mantine/core";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { remote, type ConnectRequest } from "../../api/remote";
import type { AuthMethod, ConnectionInput, SavedConnection } from "../../api/settings";
import type { AdviceContext } from "./advice";
import {
  connectRequestOf,
  formFromSaved,
  portOf,
  saveRequestOf,
  savedSecret,
  validateForm,
  type ConnectForm,
  type FormErrors,
} from "./form";
import { RemoteErrorAlert } from "./RemoteErrorAlert";

export const SAVED_QUERY_KEY = ["remote", "saved-connections"] as const;

function SavedPicker({ selected, onPick }: { selected: SavedConnection | null; onPick: (saved: SavedConnection | null) => void }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const saved = useQuery({ queryKey: SAVED_QUERY_KEY, queryFn: remote.savedConnections });
  // The details endpoint: the record as it is now (another tab may have changed it).
  const pick = useMutation({ mutationFn: (key: string) => remote.savedConnection(key), onSuccess: (a) => onPick(a.connection) });
  const forget = useMutation({
    mutationFn: (key: string) => remote.deleteSavedConnection(key),
    onSuccess: () => {
      onPick(null);
      void queryClient.invalidateQueries({ queryKey: SAVED_QUERY_KEY });
    },
  });
  const records = saved.data?.connections ?? [];
  return (
    <Stack gap={4}>
      <Group gap="xs" align="flex-end" wrap="nowrap">
        <Select
          style={{ flex: 1 }}
          label={t("remote.form.saved")}
          placeholder={records.length ? t("remote.form.savedPlaceholder") : t("remote.form.savedNone")}
          disabled={!records.length}
          data={records.map((r) => ({ value: r.key, label: r.name ? `${r.name} (${r.key})` : r.key }))}
          value={selected?.key ?? null}
          onChange={(key) => (key ? pick.mutate(key) : onPick(null))}
          clearable
          rightSection={pick.isPending || saved.isPending ? <Loader size="xs" /> : undefined}
          data-testid="saved-connection"
        />
        <Button
          variant="subtle"
          color="red"
          disabled={!selected}
          loading={forget.isPending}
          aria-label={t("remote.form.forgetSaved")}
          title={t("remote.form.forgetSaved")}
          onClick={() => selected && forget.mutate(selected.key)}
          data-testid="forget-saved"
        >
          {t("remote.form.deleteSaved")}
        </Button>
      </Group>
      {(saved.error ?? pick.error ?? forget.error) && <RemoteErrorAlert error={saved.error ?? pick.error ?? forget.error} />}
    </Stack>
  );
}

export interface ConnectStepProps {
  form: ConnectForm;
  saved: SavedConnection | null;
  onFormChange: (update: (form: ConnectForm) => ConnectForm) => void;
  onSavedChange: (saved: SavedConnection | null) => void;
  busy: boolean;
  error: unknown;
  errorContext: AdviceContext;
  onConnect: (request: ConnectRequest, save: ConnectionInput | null, context: AdviceContext) => void;
}

/** The connect form; its values live in the page, so they survive the other steps. */
export function ConnectStep({ form, saved, onFormChange, onSavedChange, busy, error, errorContext, onConnect }: ConnectStepProps) {
  const { t } = useTranslation();
  const [errors, setErrors] = useState<FormErrors>({});
  const set = <K extends keyof ConnectForm>(key: K, value: ConnectForm[K]) => onFormChange((f) => ({ ...f, [key]: value }));
  const usesSavedSecret = savedSecret(form, saved);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const found = validateForm(form, saved);
    setErrors(found);
    if (Object.keys(found).length) return;
    onConnect(connectRequestOf(form, saved), saveRequestOf(form), {
      authMethod: form.authMethod,
      host: form.host.trim(),
      port: portOf(form) ?? 22,
    });
  };
  const fieldError = (name: keyof FormErrors) =>
    errors[name] === "required" ? t("remote.form.required") : errors[name] === "port" ? t("remote.form.badPort") : undefined;
  const where = `${form.host.trim()}:${form.port || 22}`;

  return (
    <form onSubmit={submit} noValidate data-testid="connect-form">
      <Stack gap="sm">
        <SavedPicker
          selected={saved}
          onPick={(record) => {
            onSavedChange(record);
            if (record) onFormChange(() => formFromSaved(record));
          }}
        />
        <Group align="flex-start" wrap="nowrap">
          <TextInput
            label={t("remote.form.host")}
            placeholder={t("remote.form.hostPlaceholder")}
            value={form.host}
            onChange={(e) => set("host", e.currentTarget.value)}
            error={fieldError("host")}
            required
            autoComplete="off"
            spellCheck={false}
            data-testid="remote-host"
            style={{ flex: 3 }}
          />
          <NumberInput
            label={t("remote.form.port")}
            value={form.port}
            onChange={(value) => set("port", value)}
            min={1}
            max={65535}
            allowDecimal={false}
            hideControls
            error={fieldError("port")}
            data-testid="remote-port"
            w={110}
          />
          <TextInput
            label={t("remote.form.username")}
            value={form.username}
            onChange={(e) => set("username", e.currentTarget.value)}
            error={fieldError("username")}
            required
            autoComplete="off"
            spellCheck={false}
            data-testid="remote-username"
            style={{ flex: 2 }}
          />
        </Group>
        <Stack gap={4}>
          <Text size="sm" fw={500}>
            {t("remote.form.authMethod")}
          </Text>
          <SegmentedControl
            value={form.authMethod}
            onChange={(value) => set("authMethod", value as AuthMethod)}
            data={[
              { value: "key", label: t("remote.form.authKey") },
              { value: "password", label: t("remote.form.authPassword") },
              { value: "agent", label: t("remote.form.authAgent") },
            ]}
            data-testid="remote-auth-method"
          />
        </Stack>
        {form.authMethod === "key" && (
          <>
            <TextInput
              label={t("remote.form.keyPath")}
              description={t("remote.form.keyPathHint")}
              placeholder="~/.ssh/id_ed25519"
              value={form.keyPath}
              onChange={(e) => set("keyPath", e.currentTarget.value)}
              spellCheck={false}
              data-testid="remote-key-path"
            />
            <PasswordInput
              label={t("remote.form.passphrase")}
              description={usesSavedSecret ? t("remote.form.secretSaved") : t("remote.form.passphraseHint")}
              value={form.passphrase}
              onChange={(e) => set("passphrase", e.currentTarget.value)}
              autoComplete="off"
              data-testid="remote-passphrase"
              maw={420}
            />
          </>
        )}
        {form.authMethod === "password" && (
          <PasswordInput
            label={t("remote.form.password")}
            description={usesSavedSecret ? t("remote.form.secretSaved") : undefined}
            value={form.password}
            onChange={(e) => set("password", e.currentTarget.value)}
            error={fieldError("password")}
            autoComplete="off"
            data-testid="remote-password"
          />
        )}
        {form.authMethod === "agent" && (
          <Text size="sm" c="dimmed">
            {t("remote.form.agentHint")}
          </Text>
        )}
        <Group gap="lg" align="center">
          <Checkbox
            label={t("remote.form.save")}
            checked={form.save}
            onChange={(e) => set("save", e.currentTarget.checked)}
            data-testid="remote-save"
          />
          {form.save && form.authMethod !== "agent" && (
            <Checkbox
              label={t("remote.form.remember")}
              checked={form.remember}
              onChange={(e) => set("remember", e.currentTarget.checked)}
              data-testid="remote-remember"
            />
          )}
        </Group>
        {form.save && (
          <TextInput
            label={t("remote.form.name")}
            value={form.name}
            onChange={(e) => set("name", e.currentTarget.value)}
            maw={360}
            data-testid="remote-save-name"
          />
        )}
        {error != null && !busy && <RemoteErrorAlert error={error} context={errorContext} />}
        <Group justify="space-between">
          <Text size="sm" c="dimmed" data-testid="connect-progress">
            {busy ? t("remote.form.connecting", { where }) : ""}
          </Text>
          <Button type="submit" loading={busy} data-testid="remote-connect">
            {t("remote.form.connect")}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
