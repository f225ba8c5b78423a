import { Code, Paper, Stack, Text, Title } from "@mantine/core";
import { useTranslation } from "react-i18next";

/** How scripts use a token: the SDK's API client reads RUNICORN_API_TOKEN; anything else sends the header. */
export function TokenUsage({ origin }: { origin: string }) {
  const { t } = useTranslation();
  const python = [
    "import runicorn.api as api",
    "",
    `with api.connect("${origin}") as client:  # ${t("auth.usageReadsEnv")}`,
    "    print(client.list_experiments())",
  ].join("\n");
  return (
    <Paper withBorder radius="sm" p="md" data-testid="token-usage">
      <Stack gap="xs">
        <Title order={4}>{t("auth.usageTitle")}</Title>
        <Text size="sm">{t("auth.usageEnv")}</Text>
        <Code block>export RUNICORN_API_TOKEN=rnc_…</Code>
        <Code block>{python}</Code>
        <Text size="sm">{t("auth.usageHeader")}</Text>
        <Code block>{`curl -H "Authorization: Bearer $RUNICORN_API_TOKEN" ${origin}/api/runs`}</Code>
        <Text size="xs" c="dimmed">
          {t("auth.usageRole")}
        </Text>
      </Stack>
    </Paper>
  );
}
