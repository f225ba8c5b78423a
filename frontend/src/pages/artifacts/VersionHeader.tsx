import type { ReactNode } from "react";
import { Anchor, Badge, Group, Paper, Stack, Text, Title, Tooltip } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { Link } from "react-router-dom";
import type { VersionDetail } from "../../api/artifacts";
import { formatBytes, formatTime } from "../../lib/format";
import { AliasBadges, TypeBadge, VersionStatusBadge } from "./badges";
import { Fact } from "../../components/Fact";

export function VersionHeader({ detail, actions }: { detail: VersionDetail; actions: ReactNode }) {
  const { t } = useTranslation();
  const run = detail.created_by_run;
  return (
    <Paper withBorder p="md" radius="sm">
      <Stack gap="sm">
        <Group justify="space-between" align="flex-start" wrap="nowrap">
          <Stack gap={6} style={{ minWidth: 0 }}>
            <Group gap="sm">
              <Title order={3} data-testid="version-title">
                {detail.name} v{detail.version}
              </Title>
              <TypeBadge type={detail.type} />
              <VersionStatusBadge status={detail.status} />
              <AliasBadges aliases={detail.aliases} />
            </Group>
            <Text size="sm" c={detail.description ? undefined : "dimmed"} data-testid="version-description">
              {detail.description || t("artifacts.noDescription")}
            </Text>
            {detail.tags.length > 0 && (
              <Group gap={4} data-testid="version-tags">
                {detail.tags.map((tag) => (
                  <Badge key={tag} variant="outline" color="gray" size="sm">
                    {tag}
                  </Badge>
                ))}
              </Group>
            )}
          </Stack>
          <Group gap="xs" wrap="nowrap">
            {actions}
          </Group>
        </Group>
        <Group gap="xl" align="flex-start">
          <Fact label={t("artifacts.created")}>{formatTime(detail.created_at)}</Fact>
          <Fact label={t("artifacts.updated")}>{formatTime(detail.updated_at)}</Fact>
          <Fact label={t("artifacts.producedBy")} testId="version-producer">
            {run ? (
              <Anchor component={Link} to={`/runs/${encodeURIComponent(run)}`} size="sm" ff="monospace">
                {run}
              </Anchor>
            ) : (
              "—"
            )}
          </Fact>
          <Fact label={t("artifacts.createdBy")}>{detail.created_by_user || "—"}</Fact>
          <Fact label={t("artifacts.size")} testId="version-size">{formatBytes(detail.size_bytes)}</Fact>
          <Fact label={t("artifacts.files")}>{detail.num_files}</Fact>
          <Fact label={t("artifacts.references")}>{detail.num_references}</Fact>
          <Fact label={t("artifacts.digest")}>
            {detail.manifest_digest ? (
              <Tooltip label={detail.manifest_digest} withArrow>
                <Text span size="sm" ff="monospace">
                  {detail.manifest_digest.slice(0, 12)}
                </Text>
              </Tooltip>
            ) : (
              "—"
            )}
          </Fact>
        </Group>
      </Stack>
    </Paper>
  );
}
