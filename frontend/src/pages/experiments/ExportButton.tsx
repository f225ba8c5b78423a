import { useState } from "react";
import { Button, Tooltip } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { exportRuns } from "../../api/archives";

/** Downloads the selected runs as a run archive (what `runicorn import FILE` and Import read back). */
export function ExportButton({ runIds }: { runIds: string[] }) {
  const { t } = useTranslation();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const run = async () => {
    setBusy(true);
    setError(null);
    try {
      const { blob, fileName } = await exportRuns(runIds);
      const url = URL.createObjectURL(blob);
      const link = document.createElement("a");
      link.href = url;
      link.download = fileName;
      link.click();
      URL.revokeObjectURL(url);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Tooltip label={error ?? t("archives.exportHint")} color={error ? "red" : undefined} opened={error ? true : undefined}>
      <Button size="xs" variant="light" disabled={runIds.length === 0} loading={busy} onClick={() => void run()} data-testid="export-selected">
        {t("archives.export")}
      </Button>
    </Tooltip>
  );
}
