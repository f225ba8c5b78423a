import { Alert, Button, Group, Text } from "@mantine/core";
import { useTranslation } from "react-i18next";

/** What the page just did; `undoable`: a soft delete, which one click takes back. */
export interface Notice {
  text: string;
  undoable: boolean;
}

interface Props {
  notice: Notice;
  /** The undo (a restore) is on its way. */
  busy: boolean;
  onUndo: () => void;
  onClose: () => void;
}

export function VersionNotice({ notice, busy, onUndo, onClose }: Props) {
  const { t } = useTranslation();
  return (
    <Alert color="teal" withCloseButton onClose={onClose} data-testid="version-notice">
      <Group justify="space-between" wrap="nowrap" align="center">
        <Text size="sm">{notice.text}</Text>
        {notice.undoable && (
          <Button size="xs" variant="outline" color="teal" loading={busy} onClick={onUndo} data-testid="undo-delete">
            {t("artifacts.undo")}
          </Button>
        )}
      </Group>
    </Alert>
  );
}
