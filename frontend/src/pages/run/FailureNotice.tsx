import { Alert, Code, Text } from "@mantine/core";
import { useTranslation } from "react-i18next";
import type { RunDetail } from "../../api/types";
import { extractTraceback } from "./failure";
import { useLogLines } from "./LogsTab";

/** Why a failed run failed: its exit reason, and the traceback its logs hold. */
export function FailureNotice({ run }: { run: RunDetail }) {
  const { t } = useTranslation();
  const failed = run.status === "failed";
  const { lines } = useLogLines(run.id, failed);
  if (!failed) return null;
  const traceback = extractTraceback(lines);
  return (
    <Alert color="red" variant="light" title={run.exit_reason ? t("run.failedBecause", { reason: run.exit_reason }) : t("run.failedNoReason")} data-testid="failure-notice">
      {traceback && (
        <>
          <Text size="xs" c="dimmed" mb={4}>
            {t("run.traceback")}
          </Text>
          <Code block data-testid="traceback" style={{ maxHeight: 260, overflow: "auto" }}>
            {traceback}
          </Code>
        </>
      )}
    </Alert>
  );
}
