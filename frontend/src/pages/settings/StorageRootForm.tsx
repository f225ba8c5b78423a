import { useState, type FormEvent } from "react";
import { Alert, Button, Code, Group, Stack, Table, Text, TextInput } from "@mantine/core";
import { useTranslation } from "react-i18next";
import type { ViewerConfig } from "../../api/settings";

interface Props {
  config: ViewerConfig;
  saving: boolean;
  /** The refusal of the last attempt (the API's words), shown until the path is edited. */
  error: unknown;
  /** The root just switched to, for the confirmation. */
  switchedTo: string | null;
  onSave: (path: string) => void;
  /** The path was edited: an old error or confirmation no longer applies. */
  onEdit: () => void;
}

/**
 * Where the viewer reads runs from, and the form to serve another directory. The server checks
 * the path (absolute, a directory, writable, not a system directory) before it saves anything;
 * its reason is shown as it is, with what to try next.
 */
export function StorageRootForm({ config, saving, error, switchedTo, onSave, onEdit }: Props) {
  const { t } = useTranslation();
  const [path, setPath] = useState("");
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (path.trim()) onSave(path.trim());
  };
  const rows: [string, string, string][] = [
    [t("settings.effectiveRoot"), config.storage, "effective-root"],
    [t("settings.savedRoot"), config.user_root_dir || t("settings.noSavedRoot"), "saved-root"],
    [t("settings.configFile"), config.config_file, "config-file"],
  ];
  return (
    <Stack gap="sm">
      <Table withTableBorder verticalSpacing={6}>
        <Table.Tbody>
          {rows.map(([label, value, testId]) => (
            <Table.Tr key={testId}>
              <Table.Td w={220}>
                <Text size="sm" c="dimmed">
                  {label}
                </Text>
              </Table.Td>
              <Table.Td>
                <Code data-testid={testId} style={{ wordBreak: "break-all" }}>
                  {value}
                </Code>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {config.user_root_dir && config.user_root_dir !== config.storage && (
        <Text size="xs" c="dimmed" data-testid="root-override">
          {t("settings.rootOverride")}
        </Text>
      )}
      <form onSubmit={submit}>
        <Group align="flex-end" gap="sm" wrap="nowrap">
          <TextInput
            style={{ flex: 1 }}
            label={t("settings.newRoot")}
            description={t("settings.newRootHelp")}
            placeholder={t("settings.newRootPlaceholder")}
            value={path}
            onChange={(e) => {
              setPath(e.currentTarget.value);
              onEdit();
            }}
            data-testid="root-input"
            spellCheck={false}
          />
          <Button type="submit" loading={saving} disabled={!path.trim()} data-testid="root-save">
            {t("settings.switchRoot")}
          </Button>
        </Group>
      </form>
      {error != null && (
        <Alert color="red" title={t("settings.rootRefused")} data-testid="root-error">
          <Text size="sm" data-testid="root-error-detail">
            {error instanceof Error ? error.message : String(error)}
          </Text>
          <Text size="sm" mt={4} c="dimmed">
            {t("settings.rootHint")}
          </Text>
        </Alert>
      )}
      {switchedTo && error == null && (
        <Alert color="teal" data-testid="root-switched">
          {t("settings.rootSwitched", { path: switchedTo })}
        </Alert>
      )}
    </Stack>
  );
}
