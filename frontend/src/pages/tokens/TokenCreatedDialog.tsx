import { useRef, useState } from "react";
import { Alert, Button, Group, Modal, Stack, Text, TextInput } from "@mantine/core";
import { useTranslation } from "react-i18next";
import type { NewApiToken } from "../../api/auth";
import { copyText } from "./copy";

interface Props {
  /** The token just created, secret included; null when the dialog is closed. */
  token: NewApiToken | null;
  /** Called when the user is done: the caller drops the secret, which nobody can fetch again. */
  onDone: () => void;
}

/** The one time a token's secret is on screen: copy it now, with a plain warning. */
export function TokenCreatedDialog({ token, onDone }: Props) {
  const { t } = useTranslation();
  const field = useRef<HTMLInputElement>(null);
  const [copy, setCopy] = useState<"idle" | "copied" | "failed">("idle");
  // The title stays while the dialog fades out (the token, secret and all, is already dropped).
  const lastName = useRef("");
  if (token) lastName.current = token.name;
  const close = () => {
    setCopy("idle");
    onDone();
  };
  return (
    <Modal
      opened={token !== null}
      onClose={close}
      title={t("auth.createdTitle", { name: lastName.current })}
      size="lg"
      centered
      // A stray click outside must not throw the secret away.
      closeOnClickOutside={false}
      data-testid="token-created"
    >
      {token && (
        <Stack gap="md">
          <Alert color="yellow" title={t("auth.onceTitle")} data-testid="token-once-warning">
            {t("auth.onceBody")}
          </Alert>
          <Group gap="xs" wrap="nowrap" align="flex-end">
            <TextInput
              ref={field}
              label={t("auth.secretLabel")}
              value={token.token}
              readOnly
              onFocus={(e) => e.currentTarget.select()}
              styles={{ input: { fontFamily: "var(--mantine-font-family-monospace)" } }}
              style={{ flex: 1 }}
              data-testid="token-secret"
            />
            <Button
              variant={copy === "copied" ? "light" : "filled"}
              color={copy === "copied" ? "teal" : undefined}
              onClick={() => void copyText(token.token, field.current).then((ok) => setCopy(ok ? "copied" : "failed"))}
              data-testid="token-copy"
            >
              {copy === "copied" ? t("auth.copied") : t("auth.copy")}
            </Button>
          </Group>
          {copy === "failed" && (
            <Text size="sm" c="orange" data-testid="token-copy-failed">
              {t("auth.copyFailed")}
            </Text>
          )}
          <Text size="sm" c="dimmed">
            {t("auth.createdUse")}
          </Text>
          <Group justify="flex-end">
            <Button onClick={close} data-testid="token-done">
              {t("auth.createdDone")}
            </Button>
          </Group>
        </Stack>
      )}
    </Modal>
  );
}
