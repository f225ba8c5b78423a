import { useEffect, useState } from "react";
import { Alert, Button, Code, Group, Text, TextInput } from "@mantine/core";
import { useTranslation } from "react-i18next";
import type { ApiError } from "../../api/client";

interface Props {
  value: string;
  onSubmit: (q: string) => void;
  error: ApiError | null;
}

/** The `q=` query language box; a syntax error is shown under the query with a caret at its position. */
export function QueryBox({ value, onSubmit, error }: Props) {
  const { t } = useTranslation();
  const [draft, setDraft] = useState(value);
  useEffect(() => setDraft(value), [value]);
  return (
    <div>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          onSubmit(draft.trim());
        }}
      >
        <Group gap="sm" align="flex-end" wrap="nowrap">
          <TextInput
            label={t("experiments.query")}
            placeholder={t("experiments.queryPlaceholder")}
            value={draft}
            onChange={(e) => setDraft(e.currentTarget.value)}
            styles={{ input: { fontFamily: "var(--mantine-font-family-monospace)" } }}
            style={{ flex: 1 }}
            error={error ? true : undefined}
            data-testid="query-input"
          />
          <Button type="submit" variant="light" data-testid="query-apply">
            {t("common.apply")}
          </Button>
        </Group>
      </form>
      {error && <QueryError query={value} error={error} />}
    </div>
  );
}

export function QueryError({ query, error }: { query: string; error: ApiError }) {
  const { t } = useTranslation();
  const position = error.position;
  return (
    <Alert color="red" mt="xs" data-testid="query-error" data-position={position ?? ""}>
      {position !== null && (
        <Text size="sm" fw={600}>
          {t("experiments.queryError", { position })}
        </Text>
      )}
      <Text size="sm">{error.message}</Text>
      {position !== null && (
        <Code block mt="xs" data-testid="query-caret">
          {query}
          {"\n"}
          {" ".repeat(Math.min(position, query.length))}^
        </Code>
      )}
      {error.expected && (
        <Text size="xs" c="dimmed" mt={4}>
          {t("experiments.expected", { expected: error.expected })}
        </Text>
      )}
    </Alert>
  );
}
