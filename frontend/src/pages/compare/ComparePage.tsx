import { useEffect, useMemo, useState } from "react";
import { ActionIcon, Badge, Button, Group, MultiSelect, Paper, SegmentedControl, Select, SimpleGrid, Slider, Stack, Switch, Text, Title } from "@mantine/core";
import { useQueries } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { Link, useSearchParams } from "react-router-dom";
import { metricColumnsQuery, runQuery } from "../../api/queries";
import { ErrorAlert } from "../../components/ErrorAlert";
import { loadChartDefaults } from "../../lib/chartDefaults";
import { colorAt } from "../../lib/colors";
import { groupByPrefix, metricNames, type XMode } from "../../lib/series";
import { CompareChart, type ComparedRun } from "./CompareChart";
import { defaultDimensions, dimensions } from "./dims";
import { useWorkspace } from "../../lib/useWorkspace";
import { DiffTable } from "./DiffTable";
import { type CompareLayout, DEFAULT_COMPARE, compareJson, readCompareLayout } from "./layout";
import { scatterDefaults } from "./diff";
import { ParallelCoordinates } from "./ParallelCoordinates";
import { RunSearch } from "./RunSearch";
import { ScatterPlot } from "./ScatterPlot";

const MAX_RUNS = 20;

function readRuns(params: URLSearchParams): string[] {
  const ids = (params.get("runs") ?? "").split(",").map((s) => s.trim()).filter(Boolean);
  return [...new Set(ids)].slice(0, MAX_RUNS);
}

export default function ComparePage() {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const ids = useMemo(() => readRuns(params), [params]);
  const setIds = (next: string[]) => {
    const p = new URLSearchParams(params);
    if (next.length) p.set("runs", next.join(","));
    else p.delete("runs");
    setParams(p);
  };
  const [layout, setLayoutState] = useState<CompareLayout>(DEFAULT_COMPARE);
  const [appliedFor, setAppliedFor] = useState<string | null>(null);

  const details = useQueries({ queries: ids.map((id) => runQuery(id)) });
  // The layout is kept for the project of the first run compared.
  const project = details[0]?.data?.project ?? "";
  const workspace = useWorkspace("compare", project);
  useEffect(() => {
    if (project && workspace.loaded && appliedFor !== project) {
      setLayoutState(readCompareLayout(workspace.layout));
      setAppliedFor(project);
    }
  }, [project, workspace.loaded, workspace.layout, appliedFor]);
  const setLayout = (patch: Partial<CompareLayout>) => {
    const next = { ...layout, ...patch };
    setLayoutState(next);
    if (project) workspace.save(compareJson(next));
  };
  const xMode = layout.xAxis;
  const smoothing = layout.smoothing ?? loadChartDefaults().smoothing; // as chosen in Settings
  const logY = layout.logY;
  const chosenDims = layout.dims;
  const xKey = layout.scatterX;
  const yKey = layout.scatterY;
  const columns = useQueries({ queries: ids.map((id) => metricColumnsQuery(id)) });

  const runs: ComparedRun[] = ids.map((id, i) => {
    const run = details[i]?.data;
    const cols = columns[i]?.data;
    return {
      id,
      label: run ? `${run.project}/${run.name} #${id.slice(-6)}` : id,
      color: colorAt(i),
      metrics: new Set(cols ? metricNames(cols.columns, cols.rows) : []),
    };
  });
  const loaded = details.every((d) => d.data) && columns.every((c) => c.data || c.error);
  const allMetrics = groupByPrefix([...new Set(runs.flatMap((r) => [...r.metrics]))]);
  const dims = useMemo(
    () => (loaded ? dimensions(details.map((d) => ({ config: d.data?.config ?? null, summary: d.data?.summary ?? null }))) : []),
    [loaded, details.map((d) => d.dataUpdatedAt).join(",")], // eslint-disable-line react-hooks/exhaustive-deps
  );
  const shownDims = (chosenDims ?? defaultDimensions(dims)).map((k) => dims.find((d) => d.key === k)).filter((d) => d !== undefined);
  const numeric = dims.filter((d) => d.kind === "number");
  const start = scatterDefaults(dims);
  const xDim = numeric.find((d) => d.key === (xKey ?? start.x)) ?? numeric[0];
  const yDim = numeric.find((d) => d.key === (yKey ?? start.y)) ?? numeric[1] ?? numeric[0];
  const failed = details.find((d) => d.error)?.error;

  return (
    <Stack gap="md">
      <Title order={3}>{t("compare.title")}</Title>
      <Paper withBorder p="sm" radius="sm">
        <Group gap="xs" data-testid="compare-runs">
          {runs.map((run) => (
            <Badge
              key={run.id}
              size="lg"
              variant="light"
              color="gray"
              leftSection={<span style={{ width: 10, height: 10, borderRadius: 5, background: run.color, display: "inline-block" }} />}
              rightSection={
                <ActionIcon size="xs" variant="transparent" aria-label={`${t("compare.remove")} ${run.id}`} onClick={() => setIds(ids.filter((i) => i !== run.id))}>
                  ✕
                </ActionIcon>
              }
              style={{ textTransform: "none" }}
              data-run-id={run.id}
            >
              <Link to={`/runs/${run.id}`} style={{ color: "inherit", textDecoration: "none" }}>
                {run.label}
              </Link>
            </Badge>
          ))}
          <RunSearch exclude={ids} onAdd={(id) => setIds([...ids, id])} />
        </Group>
        {ids.length === 0 && (
          <Text size="sm" c="dimmed" mt="xs">
            {t("compare.pickHint")}
          </Text>
        )}
      </Paper>
      {failed && <ErrorAlert error={failed} />}
      {ids.length > 0 && (
        <>
          <Group gap="xl">
            <Group gap="xs">
              <Text size="sm">{t("run.xAxis")}</Text>
              <SegmentedControl
                size="xs"
                value={xMode}
                onChange={(v) => setLayout({ xAxis: v as XMode })}
                data={[
                  { value: "step", label: t("run.step") },
                  { value: "time", label: t("run.time") },
                ]}
                data-testid="compare-x-mode"
              />
            </Group>
            <Group gap="xs" w={300}>
              <Text size="sm">{t("run.smoothing")}</Text>
              <Slider style={{ flex: 1 }} min={0} max={0.99} step={0.01} value={smoothing} onChange={(v) => setLayout({ smoothing: v })} label={(v) => v.toFixed(2)} />
            </Group>
            <Switch label={t("run.logScale")} checked={logY} onChange={(e) => setLayout({ logY: e.currentTarget.checked })} />
            {project && (
              <Button
                size="xs"
                variant="subtle"
                color="gray"
                onClick={() => {
                  void workspace.reset();
                  setLayoutState(DEFAULT_COMPARE);
                }}
                data-testid="reset-compare-layout"
              >
                {t("run.resetLayout")}
              </Button>
            )}
          </Group>
          {allMetrics.map(({ group, metrics }) => (
            <section key={group || "(none)"}>
              {group && (
                <Title order={5} mb="xs">
                  {group}/
                </Title>
              )}
              <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="sm">
                {metrics.map((metric) => (
                  <CompareChart key={metric} metric={metric} runs={runs} smoothing={smoothing} logY={logY} mode={xMode} />
                ))}
              </SimpleGrid>
            </section>
          ))}
          {loaded && dims.length > 0 && <DiffTable dims={dims} runs={runs} />}
          {loaded && (
            <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="md">
              <Paper withBorder p="sm" radius="sm">
                <Title order={5} mb="xs">
                  {t("compare.parallel")}
                </Title>
                {dims.length === 0 ? (
                  <Text c="dimmed" size="sm">
                    {t("compare.noDims")}
                  </Text>
                ) : (
                  <>
                    <MultiSelect
                      size="xs"
                      label={t("compare.dimensions")}
                      data={dims.map((d) => d.key)}
                      value={shownDims.map((d) => d.key)}
                      onChange={(dims) => setLayout({ dims })}
                      searchable
                      mb="xs"
                    />
                    <ParallelCoordinates dims={shownDims} runs={runs} />
                  </>
                )}
              </Paper>
              <Paper withBorder p="sm" radius="sm">
                <Title order={5} mb="xs">
                  {t("compare.scatter")}
                </Title>
                {xDim && yDim ? (
                  <>
                    <Group gap="xs" mb="xs" grow>
                      <Select size="xs" label={t("compare.xDim")} data={numeric.map((d) => d.key)} value={xDim.key} onChange={(scatterX) => setLayout({ scatterX })} searchable data-testid="scatter-x" />
                      <Select size="xs" label={t("compare.yDim")} data={numeric.map((d) => d.key)} value={yDim.key} onChange={(scatterY) => setLayout({ scatterY })} searchable data-testid="scatter-y" />
                    </Group>
                    <ScatterPlot xDim={xDim} yDim={yDim} runs={runs} />
                  </>
                ) : (
                  <Text c="dimmed" size="sm">
                    {t("compare.noDims")}
                  </Text>
                )}
              </Paper>
            </SimpleGrid>
          )}
        </>
      )}
    </Stack>
  );
}
