import { Alert, Button } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { ApiError } from "../api/client";

export function ErrorAlert({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { t } = useTranslation();
  const message = error instanceof Error ? error.message : String(error);
  // Refusals (team profile roles, rate limits) are not failures: say what they mean and what to do.
  const status = error instanceof ApiError ? error.status : null;
  const title = status === 403 ? t("auth.forbiddenTitle") : status === 429 ? t("auth.rateLimitedTitle") : t("common.error");
  const hint = status === 403 ? t("auth.forbiddenHint") : status === 429 ? t("auth.rateLimitedHint") : null;
  return (
    <Alert color={status === 403 || status === 429 ? "orange" : "red"} title={title} data-testid="error" data-status={status ?? undefined}>
      {hint && <div>{hint}</div>}
      {message}
      {onRetry && (
        <Button size="xs" variant="light" color="red" ml="sm" onClick={onRetry}>
          {t("common.retry")}
        </Button>
      )}
    </Alert>
  );
}
