import { useState } from "react";
import { Alert, Button, Group, Modal, Text, TextInput } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { ErrorAlert } from "../../components/ErrorAlert";

export type DeleteMode = "soft" | "permanent";

interface Props {
  /** Which delete is being confirmed; null: closed. */
  mode: DeleteMode | null;
  /** `name:v3`, also the word to type for a permanent delete. */
  spec: string;
  busy: boolean;
  error: unknown;
  /** Why this user may not delete permanently (shown instead of allowing it); null when allowed. */
  refusal: string | null;
  onCancel: () => void;
  onConfirm: (mode: DeleteMode) => void;
}

/**
 * Confirms a delete. A soft delete asks once; a permanent one removes files for good, so its
 * button works only once the version's spec is typed.
 */
export function DeleteVersionDialog({ mode, spec, busy, error, refusal, onCancel, onConfirm }: Props) {
  const { t } = useTranslation();
  const [typed, setTyped] = useState("");
  const permanent = mode === "permanent";
  const close = () => {
    setTyped("");
    onCancel();
  };
  const ready = !busy && (!permanent || (typed.trim() === spec && refusal === null));
  return (
    <Modal
      opened={mode !== null}
      onClose={close}
      title={permanent ? t("artifacts.permanentTitle", { spec }) : t("artifacts.deleteTitle", { spec })}
      centered
    >
      <Text size="sm">{permanent ? t("artifacts.permanentBody", { word: spec }) : t("artifacts.deleteBody")}</Text>
      {permanent && (
        <TextInput
          mt="sm"
          value={typed}
          onChange={(e) => setTyped(e.currentTarget.value)}
          placeholder={spec}
          aria-label={t("artifacts.permanentBody", { word: spec })}
          data-testid="permanent-confirm-input"
          data-autofocus
        />
      )}
      {permanent && refusal && (
        <Alert color="yellow" mt="sm" data-testid="permanent-refusal">
          {refusal}
        </Alert>
      )}
      {error !== null && error !== undefined && (
        <div style={{ marginTop: "var(--mantine-spacing-sm)" }}>
          <ErrorAlert error={error} />
        </div>
      )}
      <Group justify="flex-end" mt="lg">
        <Button variant="default" onClick={close}>
          {t("common.cancel")}
        </Button>
        <Button
          color="red"
          disabled={!ready}
          loading={busy}
          onClick={() => mode && onConfirm(mode)}
          data-testid="delete-confirm"
        >
          {permanent ? t("artifacts.permanentConfirm") : t("artifacts.deleteConfirm")}
        </Button>
      </Group>
    </Modal>
  );
}
