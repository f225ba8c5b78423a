import "./lineage.css";
import { lazy, Suspense, useMemo, useState } from "react";
import { Center, Group, Loader, Paper, SegmentedControl, Stack, Text } from "@mantine/core";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { LINEAGE_DEFAULT_DEPTH, LINEAGE_MAX_DEPTH } from "../../../api/artifacts";
import { ErrorAlert } from "../../../components/ErrorAlert";
import { lineageQuery } from "../queries";

// React Flow and dagre load with the graph, not with the version page.
const LineageGraph = lazy(() => import("./LineageGraph"));

const GRAPH_HEIGHT = 480;
const DEPTHS = Array.from({ length: LINEAGE_MAX_DEPTH }, (_, i) => String(i + 1));

function Legend() {
  const { t } = useTranslation();
  return (
    <Group gap="lg" data-testid="lineage-legend">
      <Text size="xs">
        <span className="lineage-swatch" style={{ borderRadius: 3, background: "var(--mantine-color-indigo-light)", borderColor: "var(--mantine-color-indigo-filled)" }} />
        ▶ {t("artifacts.legendRun")}
      </Text>
      <Text size="xs">
        <span className="lineage-swatch" style={{ borderRadius: 999, background: "var(--mantine-color-teal-light)", borderColor: "var(--mantine-color-teal-filled)" }} />
        ◆ {t("artifacts.legendArtifact")}
      </Text>
      <Text size="xs">
        <span className="lineage-swatch" style={{ borderRadius: 999, borderWidth: 3, background: "var(--mantine-color-teal-light)", borderColor: "var(--mantine-color-orange-filled)" }} />
        {t("artifacts.legendRoot")}
      </Text>
      <Text size="xs">
        <span className="lineage-line" />
        {t("artifacts.produces")}
      </Text>
      <Text size="xs">
        <span className="lineage-line lineage-line-uses" />
        {t("artifacts.uses")}
      </Text>
    </Group>
  );
}

export function LineagePanel({ name, version, type }: { name: string; version: number; type: string }) {
  const { t } = useTranslation();
  const [depth, setDepth] = useState(LINEAGE_DEFAULT_DEPTH);
  const lineage = useQuery({ ...lineageQuery(name, version, depth, type), placeholderData: keepPreviousData });
  // A graph with other nodes mounts afresh, so that it is fitted to the view again.
  const graphKey = useMemo(() => (lineage.data?.nodes.map((n) => n.node_id).join("|") ?? ""), [lineage.data]);
  return (
    <Stack gap="xs">
      <Group justify="space-between" align="center" wrap="wrap">
        <Group gap="sm" align="center">
          <Text size="sm" fw={500} title={t("artifacts.depthHint")}>
            {t("artifacts.depth")}
          </Text>
          <SegmentedControl
            size="xs"
            data={DEPTHS}
            value={String(depth)}
            onChange={(value) => setDepth(Number(value))}
            aria-label={t("artifacts.depthHint")}
            data-testid="lineage-depth"
          />
          {lineage.data && (
            <Text size="sm" c="dimmed" data-testid="lineage-count">
              {lineage.isFetching && <Loader size={12} mr={6} />}
              {t("artifacts.graphCount", { nodes: lineage.data.nodes.length, edges: lineage.data.edges.length })}
            </Text>
          )}
        </Group>
        <Legend />
      </Group>
      <Text size="xs" c="dimmed">
        {t("artifacts.lineageHelp")}
      </Text>
      <Paper withBorder radius="sm" style={{ overflow: "hidden" }}>
        {lineage.error ? (
          <ErrorAlert error={lineage.error} onRetry={() => void lineage.refetch()} />
        ) : !lineage.data ? (
          <Center h={GRAPH_HEIGHT}>
            <Loader />
          </Center>
        ) : (
          <Suspense
            fallback={
              <Center h={GRAPH_HEIGHT}>
                <Loader />
              </Center>
            }
          >
            <LineageGraph key={graphKey} lineage={lineage.data} height={GRAPH_HEIGHT} />
          </Suspense>
        )}
      </Paper>
    </Stack>
  );
}
