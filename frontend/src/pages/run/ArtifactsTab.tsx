import { Anchor, Badge, Center, Group, Loader, Stack, Table, Text, Title } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { Link } from "react-router-dom";
import { versionPath } from "../../api/artifacts";
import { api } from "../../api/client";
import type { ArtifactSummary } from "../../api/types";
import { ErrorAlert } from "../../components/ErrorAlert";
import { formatBytes, formatTime } from "../../lib/format";

function ArtifactTable({ items, testId }: { items: ArtifactSummary[]; testId: string }) {
  const { t } = useTranslation();
  if (items.length === 0) return <Text c="dimmed" size="sm">{t("run.noArtifacts")}</Text>;
  return (
    <Table withTableBorder data-testid={testId}>
      <Table.Thead>
        <Table.Tr>
          <Table.Th>{t("run.artifactName")}</Table.Th>
          <Table.Th>{t("run.artifactType")}</Table.Th>
          <Table.Th>{t("run.artifactVersion")}</Table.Th>
          <Table.Th>{t("run.artifactSize")}</Table.Th>
          <Table.Th>{t("run.created")}</Table.Th>
          <Table.Th>{t("run.artifactAliases")}</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {items.map((a) => (
          <Table.Tr key={`${a.type}/${a.name}/${a.version}`}>
            <Table.Td>
              <Anchor component={Link} to={versionPath(a.name, a.version, a.type)} size="sm" fw={500}>{a.name}</Anchor>
              {a.description && <Text size="xs" c="dimmed">{a.description}</Text>}
            </Table.Td>
            <Table.Td>{a.type}</Table.Td>
            <Table.Td>
              <Anchor component={Link} to={versionPath(a.name, a.version, a.type)} size="sm">v{a.version}</Anchor>
            </Table.Td>
            <Table.Td>{formatBytes(a.size_bytes)}</Table.Td>
            <Table.Td>{formatTime(a.created_at)}</Table.Td>
            <Table.Td>
              <Group gap={4}>
                {a.aliases.map((alias) => (
                  <Badge key={alias} size="xs" variant="light">{alias}</Badge>
                ))}
              </Group>
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

export function ArtifactsTab({ runId }: { runId: string }) {
  const { t } = useTranslation();
  const query = useQuery({ queryKey: ["run-artifacts", runId], queryFn: () => api.artifacts(runId) });
  if (query.isPending) {
    return (
      <Center h={120}>
        <Loader />
      </Center>
    );
  }
  if (query.error) return <ErrorAlert error={query.error} />;
  return (
    <Stack gap="lg">
      <Stack gap="xs">
        <Title order={5}>{t("run.artifactsCreated")}</Title>
        <ArtifactTable items={query.data.created} testId="artifacts-created" />
      </Stack>
      <Stack gap="xs">
        <Title order={5}>{t("run.artifactsUsed")}</Title>
        <ArtifactTable items={query.data.used} testId="artifacts-used" />
      </Stack>
    </Stack>
  );
}
