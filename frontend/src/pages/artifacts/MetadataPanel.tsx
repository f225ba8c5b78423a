import { Anchor, Group, Paper, Stack, Text, Title } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { Link } from "react-router-dom";
import { versionPath, type VersionDetail } from "../../api/artifacts";
import { KeyValueTable } from "../../components/KeyValueTable";
import { flatten } from "../../lib/flatten";

/** `name:v3` → the link to that version's page (the type is looked up by the page). */
function ParentLink({ spec }: { spec: string }) {
  const match = /^(.+):v(\d+)$/.exec(spec);
  if (!match) return <Text size="sm">{spec}</Text>;
  return (
    <Anchor component={Link} to={versionPath(match[1] as string, Number(match[2]))} size="sm" ff="monospace">
      {spec}
    </Anchor>
  );
}

export function MetadataPanel({ detail }: { detail: VersionDetail }) {
  const { t } = useTranslation();
  return (
    <Stack gap="md">
      <Paper withBorder p="md" radius="sm">
        <Title order={5} mb="sm">
          {t("artifacts.metadata")}
        </Title>
        <KeyValueTable entries={flatten(detail.metadata)} empty={t("artifacts.noMetadata")} testId="version-metadata" />
      </Paper>
      <Paper withBorder p="md" radius="sm">
        <Title order={5} mb="sm">
          {t("artifacts.parents")}
        </Title>
        {detail.parent_artifacts.length === 0 ? (
          <Text size="sm" c="dimmed">
            {t("artifacts.none")}
          </Text>
        ) : (
          <Group gap="md" data-testid="version-parents">
            {detail.parent_artifacts.map((spec) => (
              <ParentLink key={spec} spec={spec} />
            ))}
          </Group>
        )}
      </Paper>
    </Stack>
  );
}
