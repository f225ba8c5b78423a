import { useState, type FormEvent } from "react";
import { Button, Group, NativeSelect, Paper, TextInput } from "@mantine/core";
import { useTranslation } from "react-i18next";

const NAME_MAX = 100; // the server's limit (apps/accounts/tokens.py)
const EXPIRY_DAYS = ["", "30", "90", "365"] as const;

interface Props {
  busy: boolean;
  onCreate: (name: string, expiresInDays: number | null) => void;
}

/** A name (what the token is for) and an optional lifetime. */
export function CreateTokenForm({ busy, onCreate }: Props) {
  const { t } = useTranslation();
  const [name, setName] = useState("");
  const [expiry, setExpiry] = useState<string>("");
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!name.trim() || busy) return;
    onCreate(name.trim(), expiry ? Number(expiry) : null);
    setName("");
  };
  return (
    <Paper withBorder radius="sm" p="md">
      <form onSubmit={submit}>
        <Group align="flex-end" gap="sm">
          <TextInput
            label={t("auth.tokenName")}
            placeholder={t("auth.tokenNamePlaceholder")}
            value={name}
            maxLength={NAME_MAX}
            onChange={(e) => setName(e.currentTarget.value)}
            w={320}
            data-testid="token-name"
          />
          <NativeSelect
            label={t("auth.expires")}
            value={expiry}
            onChange={(e) => setExpiry(e.currentTarget.value)}
            data={EXPIRY_DAYS.map((days) => ({ value: days, label: days ? t("auth.expiresInDays", { count: Number(days) }) : t("auth.never") }))}
            w={160}
            data-testid="token-expiry"
          />
          <Button type="submit" loading={busy} disabled={!name.trim()} data-testid="token-create">
            {t("auth.createToken")}
          </Button>
        </Group>
      </form>
    </Paper>
  );
}
