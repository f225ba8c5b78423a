import { Code, Stack, Text } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { settingsApi, settingsKeys, type ViewerConfig } from "../../api/settings";

/**
 * What the experiments page shows when the list is empty. Filtered: "nothing matches". Not
 * filtered: which root this viewer serves, why that one, and how runs get there — the answer
 * to "where did my runs go?" when a script wrote somewhere else.
 */
export function EmptyState({ filtered }: { filtered: boolean }) {
  const { t } = useTranslation();
  const config = useQuery({ queryKey: settingsKeys.config, queryFn: settingsApi.config, enabled: !filtered });
  if (filtered) {
    return (
      <Text c="dimmed" data-testid="empty">
        {t("experiments.empty")}
      </Text>
    );
  }
  return <NoRunsYet config={config.data} />;
}

export function NoRunsYet({ config }: { config: ViewerConfig | undefined }) {
  const { t } = useTranslation();
  if (!config) {
    return (
      <Text c="dimmed" data-testid="empty">
        {t("experiments.noRuns.title")}
      </Text>
    );
  }
  const explicit = config.storage_source === "argument" || config.storage_source === "RUNICORN_DIR";
  const otherRoot = explicit && config.user_root_dir !== "" && config.user_root_dir !== config.storage;
  return (
    <Stack gap={6} maw={720} data-testid="empty">
      <Text fw={500}>{t("experiments.noRuns.title")}</Text>
      <Text size="sm">
        {t("experiments.noRuns.serving")} <Code data-testid="empty-root">{config.storage}</Code>
        {config.storage_source && <> ({t(`experiments.noRuns.source.${sourceKey(config.storage_source)}`)})</>}
      </Text>
      {otherRoot && (
        <Text size="sm" c="orange" data-testid="empty-other-root">
          {t("experiments.noRuns.otherRoot", { root: config.user_root_dir })}
        </Text>
      )}
      <Text size="sm" c="dimmed">
        {explicit ? t("experiments.noRuns.howExplicit") : t("experiments.noRuns.how")}
      </Text>
      <Code block data-testid="empty-example">
        {explicit
          ? `RUNICORN_DIR=${config.storage} python train.py`
          : 'import runicorn as rn\nrun = rn.init(project="demo", name="first")\nrn.log({"loss": 0.5})\nrn.finish()'}
      </Code>
    </Stack>
  );
}

function sourceKey(source: string): string {
  return { argument: "argument", RUNICORN_DIR: "env", "user config": "userConfig", "./.runicorn": "legacy" }[source] ?? "default";
}
