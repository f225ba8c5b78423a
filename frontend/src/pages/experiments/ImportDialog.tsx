import { useState } from "react";
import { Alert, Button, FileInput, Group, List, Modal, SegmentedControl, Stack, Text } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { importArchive, previewImport, type ImportMode, type ImportPreview, type ImportResult } from "../../api/archives";
import { ErrorAlert } from "../../components/ErrorAlert";

/** Import of a run archive in two steps: upload and preview (nothing written), then import. */
export function ImportDialog({ onImported }: { onImported: () => void }) {
  const { t } = useTranslation();
  const [opened, setOpened] = useState(false);
  const [file, setFile] = useState<File | null>(null);
  const [mode, setMode] = useState<ImportMode>("merge");
  const [preview, setPreview] = useState<ImportPreview | null>(null);
  const [result, setResult] = useState<ImportResult | null>(null);
  const [error, setError] = useState<Error | null>(null);
  const [busy, setBusy] = useState(false);

  const reset = () => {
    setFile(null);
    setPreview(null);
    setResult(null);
    setError(null);
  };
  const step = async (action: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (err) {
      setError(err instanceof Error ? err : new Error(String(err)));
    } finally {
      setBusy(false);
    }
  };
  const runPreview = () => step(async () => setPreview(file ? await previewImport(file, mode) : null));
  const runImport = () =>
    step(async () => {
      if (!preview) return;
      setResult(await importArchive(preview.token, mode));
      onImported();
    });

  return (
    <>
      <Button size="xs" variant="default" onClick={() => setOpened(true)} data-testid="import-archive">
        {t("archives.import")}
      </Button>
      <Modal opened={opened} onClose={() => { setOpened(false); reset(); }} title={t("archives.importTitle")} centered size="lg">
        <Stack>
          <FileInput
            label={t("archives.file")}
            accept=".zip,application/zip"
            value={file}
            onChange={(f) => { setFile(f); setPreview(null); setResult(null); }}
            data-testid="import-file"
          />
          <SegmentedControl
            value={mode}
            onChange={(v) => { setMode(v as ImportMode); setPreview(null); }}
            data={[{ value: "merge", label: t("archives.merge") }, { value: "isolate", label: t("archives.isolate") }]}
          />
          <Text size="xs" c="dimmed">{mode === "merge" ? t("archives.mergeHint") : t("archives.isolateHint")}</Text>
          {error && <ErrorAlert error={error} />}
          {preview && !result && (
            <Alert color="blue" data-testid="import-preview">
              <Text size="sm">
                {t("archives.previewSummary", { runs: preview.runs.new.length, duplicates: preview.runs.duplicates.length, versions: preview.artifacts.new.length })}
              </Text>
              {preview.conflicts.length > 0 && (
                <List size="xs" mt="xs">
                  {preview.conflicts.map((c) => (
                    <List.Item key={`${c.run ?? ""}${c.artifact ?? ""}`}>{`${c.run ?? c.artifact}: ${c.reason}`}</List.Item>
                  ))}
                </List>
              )}
            </Alert>
          )}
          {result && (
            <Alert color="teal" data-testid="import-result">
              {t("archives.imported", { runs: result.imported_runs, versions: result.imported_versions })}
            </Alert>
          )}
          <Group justify="flex-end">
            {!preview && (
              <Button disabled={!file} loading={busy} onClick={() => void runPreview()} data-testid="import-preview-button">
                {t("archives.preview")}
              </Button>
            )}
            {preview && !result && (
              <Button loading={busy} disabled={preview.runs.new.length === 0 && preview.artifacts.new.length === 0} onClick={() => void runImport()} data-testid="import-confirm">
                {t("archives.confirm")}
              </Button>
            )}
          </Group>
        </Stack>
      </Modal>
    </>
  );
}
