import { Alert, Anchor, Breadcrumbs, Center, Group, Loader, Paper, Stack, Table, Text, Title } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { Link, useLocation, useNavigate, useParams, useSearchParams } from "react-router-dom";
import { ApiError } from "../../api/client";
import { versionPath } from "../../api/artifacts";
import { ErrorAlert } from "../../components/ErrorAlert";
import { formatBytes, formatTime } from "../../lib/format";
import { AliasBadges, TypeBadge, VersionStatusBadge } from "./badges";
import { listQuery, versionsQuery } from "./queries";

/** A notice handed over by the page that navigated here (after a permanent delete). */
function useNotice(): string | null {
  const state: unknown = useLocation().state;
  return typeof state === "object" && state !== null && "notice" in state && typeof state.notice === "string" ? state.notice : null;
}

export default function ArtifactPage() {
  const { t } = useTranslation();
  const { name = "" } = useParams();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const notice = useNotice();
  const typeParam = params.get("type") || null;
  const versions = useQuery(versionsQuery(name, typeParam));
  // The list (usually cached from the previous page) says the type when the URL does not.
  const list = useQuery({ ...listQuery(null), enabled: typeParam === null });
  const type = typeParam ?? list.data?.find((a) => a.name === name)?.type ?? null;

  const rows = [...(versions.data ?? [])].sort((a, b) => b.version - a.version);
  const missing = versions.error instanceof ApiError && versions.error.status === 404;

  return (
    <Stack gap="md">
      <Breadcrumbs>
        <Anchor component={Link} to="/artifacts" size="sm">
          {t("artifacts.allArtifacts")}
        </Anchor>
        <Text size="sm">{name}</Text>
      </Breadcrumbs>
      <Group gap="sm">
        <Title order={3} data-testid="artifact-title">
          {name}
        </Title>
        {type && <TypeBadge type={type} />}
      </Group>
      {notice && (
        <Alert color="teal" withCloseButton onClose={() => navigate(".", { replace: true, state: null })} data-testid="artifact-notice">
          {notice}
        </Alert>
      )}
      {versions.isPending ? (
        <Center h={200}>
          <Loader />
        </Center>
      ) : versions.error ? (
        <ErrorAlert error={missing ? new Error(t("artifacts.notFound", { name })) : versions.error} onRetry={missing ? undefined : () => void versions.refetch()} />
      ) : (
        <Paper withBorder radius="sm">
          <Title order={5} px="md" pt="sm">
            {t("artifacts.versions")}
          </Title>
          {rows.length === 0 ? (
            <Center h={100}>
              <Text c="dimmed" data-testid="versions-empty">
                {t("artifacts.noVersions")}
              </Text>
            </Center>
          ) : (
            <Table.ScrollContainer minWidth={760}>
              <Table highlightOnHover data-testid="versions-table">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t("artifacts.colVersion")}</Table.Th>
                    <Table.Th>{t("artifacts.colAliases")}</Table.Th>
                    <Table.Th>{t("artifacts.colRun")}</Table.Th>
                    <Table.Th ta="right">{t("artifacts.colFiles")}</Table.Th>
                    <Table.Th ta="right">{t("artifacts.size")}</Table.Th>
                    <Table.Th>{t("artifacts.colStatus")}</Table.Th>
                    <Table.Th>{t("artifacts.colCreated")}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {rows.map((v) => (
                    <Table.Tr key={v.version} data-testid={`version-row-${v.version}`}>
                      <Table.Td>
                        <Anchor component={Link} to={versionPath(name, v.version, type)} fw={500} size="sm">
                          v{v.version}
                        </Anchor>
                      </Table.Td>
                      <Table.Td>
                        <Group gap={4}>
                          <AliasBadges aliases={v.aliases} />
                        </Group>
                      </Table.Td>
                      <Table.Td>
                        {v.created_by_run ? (
                          <Anchor component={Link} to={`/runs/${encodeURIComponent(v.created_by_run)}`} size="sm" ff="monospace" data-testid="version-run">
                            {v.created_by_run}
                          </Anchor>
                        ) : (
                          "—"
                        )}
                      </Table.Td>
                      <Table.Td ta="right">{v.num_files}</Table.Td>
                      <Table.Td ta="right">{formatBytes(v.size_bytes)}</Table.Td>
                      <Table.Td>
                        <VersionStatusBadge status={v.status} />
                      </Table.Td>
                      <Table.Td>
                        <Text size="sm">{formatTime(v.created_at)}</Text>
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          )}
        </Paper>
      )}
    </Stack>
  );
}
