import { Alert, Button, Group, Stack, Text } from "@mantine/core";
import { useTranslation } from "react-i18next";

interface Props {
  /** `name:v3`. */
  spec: string;
  /** A restore is on its way (the button spins and ignores clicks). */
  busy: boolean;
  /** Why the last restore failed; null when it did not. */
  error: unknown;
  onRestore: () => void;
}

/** The banner over a soft-deleted version: what deleted means, and the way back. */
export function DeletedBanner({ spec, busy, error, onRestore }: Props) {
  const { t } = useTranslation();
  const failed = error !== null && error !== undefined;
  // Inside the red banner a second alert would vanish: the reason is plain text under its heading.
  const reason = error instanceof Error ? error.message : String(error);
  return (
    <Alert color="red" variant="light" data-testid="deleted-banner">
      <Stack gap="xs">
        <Group justify="space-between" wrap="nowrap" align="center">
          <Text size="sm">{t("artifacts.deletedBanner")}</Text>
          <Button size="xs" variant="filled" color="teal" loading={busy} onClick={onRestore} data-testid="restore-version">
            {t("artifacts.restore")}
          </Button>
        </Group>
        {failed && (
          <Stack gap={4} data-testid="restore-error">
            <Text size="sm" fw={600}>
              {t("artifacts.restoreFailed", { spec })}
            </Text>
            <Text size="sm">{reason}</Text>
          </Stack>
        )}
      </Stack>
    </Alert>
  );
}
