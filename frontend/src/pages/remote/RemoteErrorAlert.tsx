import type { ReactNode } from "react";
import { Alert, Code, Text } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { adviceFor, type AdviceContext } from "./advice";

/**
 * A failed Remote request in words: what happened, the server's own message (it names the host,
 * the key file, the viewer's output) and what to try next.
 */
export function RemoteErrorAlert({
  error,
  context,
  children,
}: {
  error: unknown;
  context?: AdviceContext;
  /** Actions that follow the advice (connect again, ...). */
  children?: ReactNode;
}) {
  const { t } = useTranslation();
  const advice = adviceFor(error, context);
  const multiline = advice.message.includes("\n");
  return (
    <Alert
      color={advice.kind === "hostKeyChanged" ? "red" : "orange"}
      variant="light"
      title={t(`remote.errors.${advice.kind}.title`)}
      data-testid="remote-error"
      data-kind={advice.kind}
      data-code={advice.code}
    >
      {multiline ? (
        <Code block mah={220} style={{ overflow: "auto" }} data-testid="remote-error-message">
          {advice.message}
        </Code>
      ) : (
        <Text size="sm" data-testid="remote-error-message">
          {advice.message}
        </Text>
      )}
      <Text size="sm" mt="xs" data-testid="remote-error-advice">
        <Text span fw={600} inherit>
          {t("remote.whatToTry")}
        </Text>{" "}
        {t(`remote.errors.${advice.kind}.advice`, advice.values)}
      </Text>
      {children}
    </Alert>
  );
}
