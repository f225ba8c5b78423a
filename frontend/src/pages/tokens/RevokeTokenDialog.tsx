import { useRef } from "react";
import { Button, Code, Group, Modal, Text } from "@mantine/core";
import { useTranslation } from "react-i18next";
import type { ApiToken } from "../../api/auth";

interface Props {
  token: ApiToken | null;
  busy: boolean;
  onCancel: () => void;
  onConfirm: () => void;
}

/** Revoking takes effect at once for every script using the token: ask first. */
export function RevokeTokenDialog({ token, busy, onCancel, onConfirm }: Props) {
  const { t } = useTranslation();
  const last = useRef<ApiToken | null>(null); // still named while the dialog fades out
  if (token) last.current = token;
  return (
    <Modal opened={token !== null} onClose={onCancel} title={t("auth.revokeTitle", { name: last.current?.name ?? "" })} centered>
      <Text size="sm">
        {t("auth.revokeBody")} <Code>{last.current?.prefix}</Code>
      </Text>
      <Group justify="flex-end" mt="lg">
        <Button variant="default" onClick={onCancel}>
          {t("common.cancel")}
        </Button>
        <Button color="red" loading={busy} onClick={onConfirm} data-testid="revoke-confirm">
          {t("auth.revokeConfirm")}
        </Button>
      </Group>
    </Modal>
  );
}
