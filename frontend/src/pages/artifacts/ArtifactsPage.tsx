import { useMemo } from "react";
import { Anchor, Center, Grid, Group, Loader, Paper, SegmentedControl, Stack, Table, Text, TextInput, Title } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { Link, useSearchParams } from "react-router-dom";
import { ARTIFACT_TYPES, artifactPath, versionPath, type ArtifactItem } from "../../api/artifacts";
import { ErrorAlert } from "../../components/ErrorAlert";
import { formatBytes, formatTime } from "../../lib/format";
import { TypeBadge } from "./badges";
import { aliasList, filterArtifacts } from "./format";
import { listQuery } from "./queries";
import { StoragePanel } from "./StoragePanel";

function ArtifactRow({ item }: { item: ArtifactItem }) {
  return (
    <Table.Tr data-testid={`artifact-row-${item.name}`} data-type={item.type} data-versions={item.num_versions}>
      <Table.Td>
        <Anchor component={Link} to={artifactPath(item.name, item.type)} fw={500} size="sm">
          {item.name}
        </Anchor>
      </Table.Td>
      <Table.Td>
        <TypeBadge type={item.type} />
      </Table.Td>
      <Table.Td ta="right" data-testid="artifact-versions">
        {item.num_versions}
      </Table.Td>
      <Table.Td>
        <Anchor component={Link} to={versionPath(item.name, item.latest_version, item.type)} size="sm">
          v{item.latest_version}
        </Anchor>
      </Table.Td>
      <Table.Td ta="right">{formatBytes(item.size_bytes)}</Table.Td>
      <Table.Td>
        <Group gap={4}>
          {aliasList(item.aliases).map(({ alias, version }) => (
            <Text key={alias} size="xs" span className="artifact-alias">
              <Text span size="xs" fw={600} c="blue">
                {alias}
              </Text>
              {` → v${version}`}
            </Text>
          ))}
        </Group>
      </Table.Td>
      <Table.Td>
        <Text size="sm">{formatTime(item.updated_at)}</Text>
      </Table.Td>
    </Table.Tr>
  );
}

export default function ArtifactsPage() {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const type = params.get("type") || null;
  const search = params.get("q") ?? "";
  const list = useQuery(listQuery(type));
  const items = useMemo(() => filterArtifacts(list.data ?? [], search), [list.data, search]);

  const setParam = (key: string, value: string | null) => {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    setParams(next, { replace: key === "q" });
  };
  const typeOptions = [
    { value: "", label: t("artifacts.allTypes") },
    ...ARTIFACT_TYPES.map((value) => ({ value, label: t(`artifacts.types.${value}`) })),
  ];
  const total = list.data?.length ?? 0;

  let body;
  if (list.isPending) {
    body = (
      <Center h={200}>
        <Loader />
      </Center>
    );
  } else if (list.error) {
    body = <ErrorAlert error={list.error} onRetry={() => void list.refetch()} />;
  } else if (items.length === 0) {
    const message =
      total > 0 ? t("artifacts.noMatch", { search }) : type ? t("artifacts.emptyType", { type: t(`artifacts.types.${type}`, { defaultValue: type }) }) : t("artifacts.empty");
    body = (
      <Center h={160} px="md">
        <Text c="dimmed" ta="center" data-testid="artifacts-empty">
          {message}
        </Text>
      </Center>
    );
  } else {
    body = (
      <Table.ScrollContainer minWidth={760}>
        <Table highlightOnHover data-testid="artifacts-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t("artifacts.colName")}</Table.Th>
              <Table.Th>{t("artifacts.colType")}</Table.Th>
              <Table.Th ta="right">{t("artifacts.colVersions")}</Table.Th>
              <Table.Th>{t("artifacts.colLatest")}</Table.Th>
              <Table.Th ta="right">{t("artifacts.colSize")}</Table.Th>
              <Table.Th>{t("artifacts.colAliases")}</Table.Th>
              <Table.Th>{t("artifacts.colUpdated")}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {items.map((item) => (
              <ArtifactRow key={`${item.type}/${item.name}`} item={item} />
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    );
  }

  return (
    <Stack gap="md">
      <Title order={3}>{t("artifacts.title")}</Title>
      <Grid gap="md">
        <Grid.Col span={{ base: 12, lg: 8 }}>
          <Stack gap="sm">
            <Group gap="sm" align="flex-end" wrap="wrap">
              <TextInput
                label={t("artifacts.search")}
                placeholder={t("artifacts.searchPlaceholder")}
                value={search}
                onChange={(e) => setParam("q", e.currentTarget.value)}
                w={320}
                data-testid="artifacts-search"
              />
              <Stack gap={4}>
                <Text size="sm" fw={500}>
                  {t("artifacts.type")}
                </Text>
                <SegmentedControl
                  data={typeOptions}
                  value={type ?? ""}
                  onChange={(value) => setParam("type", value || null)}
                  data-testid="artifacts-type"
                />
              </Stack>
            </Group>
            {!list.isPending && !list.error && total > 0 && (
              <Text size="sm" c="dimmed" data-testid="artifacts-count">
                {t("artifacts.shown", { shown: items.length, total })}
              </Text>
            )}
            <Paper withBorder radius="sm">
              {body}
            </Paper>
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, lg: 4 }}>
          <StoragePanel />
        </Grid.Col>
      </Grid>
    </Stack>
  );
}
