import { useState } from "react";
import { Button, Group, Modal, Text, TextInput } from "@mantine/core";
import { useTranslation } from "react-i18next";

interface Props {
  count: number;
  opened: boolean;
  busy: boolean;
  onCancel: () => void;
  onConfirm: () => void;
}

/** Emptying deletes files for good: the user types a word before the button works. */
export function EmptyDialog({ count, opened, busy, onCancel, onConfirm }: Props) {
  const { t } = useTranslation();
  const word = t("recycle.emptyWord");
  const [typed, setTyped] = useState("");
  const close = () => {
    setTyped("");
    onCancel();
  };
  return (
    <Modal opened={opened} onClose={close} title={t("recycle.emptyTitle", { count })} centered>
      <Text size="sm">{t("recycle.emptyBody", { word })}</Text>
      <TextInput mt="sm" value={typed} onChange={(e) => setTyped(e.currentTarget.value)} placeholder={word} data-testid="empty-confirm-input" data-autofocus />
      <Group justify="flex-end" mt="lg">
        <Button variant="default" onClick={close}>
          {t("common.cancel")}
        </Button>
        <Button
          color="red"
          disabled={typed !== word}
          loading={busy}
          onClick={() => {
            setTyped("");
            onConfirm();
          }}
          data-testid="empty-confirm"
        >
          {t("recycle.emptyConfirm")}
        </Button>
      </Group>
    </Modal>
  );
}
