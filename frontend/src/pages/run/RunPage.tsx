import { useCallback, useRef } from "react";
import { Center, Loader, Stack, Tabs } from "@mantine/core";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { useParams, useSearchParams } from "react-router-dom";
import { ApiError } from "../../api/client";
import { useRunColumns } from "../../api/metrics";
import { runQuery } from "../../api/queries";
import { ErrorAlert } from "../../components/ErrorAlert";
import { ArtifactsTab } from "./ArtifactsTab";
import { EnvironmentTab } from "./EnvironmentTab";
import { HistogramsTab } from "./HistogramsTab";
import { FailureNotice } from "./FailureNotice";
import { ImagesTab } from "./ImagesTab";
import { useLiveMetrics, useLiveVersion } from "./liveMetrics";
import { LogsTab } from "./LogsTab";
import { MetricsTab } from "./MetricsTab";
import { RunHeader } from "./RunHeader";
import { SummaryTab } from "./SummaryTab";

const TABS = ["charts", "logs", "summary", "environment", "images", "histograms", "artifacts"] as const;
type Tab = (typeof TABS)[number];

export default function RunPage() {
  const { runId = "" } = useParams();
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const queryClient = useQueryClient();
  const tab: Tab = (TABS as readonly string[]).includes(params.get("tab") ?? "") ? (params.get("tab") as Tab) : "charts";

  const run = useQuery({
    ...runQuery(runId),
  });
  const running = run.data?.status === "running";

  // New rows can mean a new status or best metric: look again, at most every few seconds.
  const lastRefresh = useRef(0);
  const onActivity = useCallback(() => {
    const now = Date.now();
    if (now - lastRefresh.current < 3000) return;
    lastRefresh.current = now;
    void queryClient.invalidateQueries({ queryKey: ["run", runId] });
  }, [queryClient, runId]);
  const live = useLiveMetrics(runId, running, onActivity);
  // The charts need the metric names; ask at once, next to the run itself (the same queries as
  // the charts tab's: a preview while the viewer parses a large run, then the exact list).
  useRunColumns(runId, live.epoch, runId !== "");
  useLiveVersion(live);

  if (run.isPending) {
    return (
      <Center h={300}>
        <Loader />
      </Center>
    );
  }
  if (run.error) {
    const missing = run.error instanceof ApiError && run.error.status === 404;
    return <ErrorAlert error={missing ? new Error(t("run.notFound")) : run.error} onRetry={missing ? undefined : () => void run.refetch()} />;
  }

  return (
    <Stack gap="md">
      <RunHeader run={run.data} live={running && live.connected} />
      <FailureNotice run={run.data} />
      <Tabs
        value={tab}
        keepMounted={false}
        onChange={(value) => {
          const next = new URLSearchParams(params);
          if (value && value !== "charts") next.set("tab", value);
          else next.delete("tab");
          setParams(next, { replace: true });
        }}
      >
        <Tabs.List mb="md">
          <Tabs.Tab value="charts">{t("run.tabCharts")}</Tabs.Tab>
          <Tabs.Tab value="logs" data-testid="tab-logs">{t("run.tabLogs")}</Tabs.Tab>
          <Tabs.Tab value="summary" data-testid="tab-summary">{t("run.tabSummary")}</Tabs.Tab>
          <Tabs.Tab value="environment">{t("run.tabEnvironment")}</Tabs.Tab>
          <Tabs.Tab value="images" data-testid="tab-images">{t("run.tabImages")}</Tabs.Tab>
          <Tabs.Tab value="histograms" data-testid="tab-histograms">{t("run.tabHistograms")}</Tabs.Tab>
          <Tabs.Tab value="artifacts">{t("run.tabArtifacts")}</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="charts">
          <MetricsTab run={run.data} live={live} />
        </Tabs.Panel>
        <Tabs.Panel value="logs">
          <LogsTab runId={runId} running={running} />
        </Tabs.Panel>
        <Tabs.Panel value="summary">
          <SummaryTab run={run.data} />
        </Tabs.Panel>
        <Tabs.Panel value="environment">
          <EnvironmentTab runId={runId} />
        </Tabs.Panel>
        <Tabs.Panel value="images">
          <ImagesTab runId={runId} />
        </Tabs.Panel>
        <Tabs.Panel value="histograms">
          <HistogramsTab runId={runId} />
        </Tabs.Panel>
        <Tabs.Panel value="artifacts">
          <ArtifactsTab runId={runId} />
        </Tabs.Panel>
      </Tabs>
    </Stack>
  );
}
