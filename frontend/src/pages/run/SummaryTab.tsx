import { SimpleGrid, Stack, Title } from "@mantine/core";
import { useTranslation } from "react-i18next";
import type { RunDetail } from "../../api/types";
import { KeyValueTable } from "../../components/KeyValueTable";
import { flatten } from "../../lib/flatten";

export function SummaryTab({ run }: { run: RunDetail }) {
  const { t } = useTranslation();
  return (
    <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="lg">
      <Stack gap="xs">
        <Title order={5}>{t("run.summary")}</Title>
        <KeyValueTable entries={flatten(run.summary ?? {})} empty={t("run.nothing")} testId="summary-table" />
      </Stack>
      <Stack gap="xs">
        <Title order={5}>{t("run.config")}</Title>
        <KeyValueTable entries={flatten(run.config ?? {})} empty={t("run.nothing")} testId="config-table" />
      </Stack>
    </SimpleGrid>
  );
}
