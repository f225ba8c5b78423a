import { useState } from "react";
import { Anchor, Breadcrumbs, Button, Center, Loader, Stack, Tabs, Text } from "@mantine/core";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { Link, useNavigate, useParams, useSearchParams } from "react-router-dom";
import { artifactPath, artifactsApi, parseVersionSegment } from "../../api/artifacts";
import { ApiError } from "../../api/client";
import { useAuth } from "../../auth/useAuth";
import { ErrorAlert } from "../../components/ErrorAlert";
import { formatBytes } from "../../lib/format";
import { DeletedBanner } from "./DeletedBanner";
import { DeleteVersionDialog, type DeleteMode } from "./DeleteVersionDialog";
import { FilesPanel } from "./FilesPanel";
import { LineagePanel } from "./lineage/LineagePanel";
import { MetadataPanel } from "./MetadataPanel";
import { ARTIFACTS_KEY, versionQuery } from "./queries";
import { VersionHeader } from "./VersionHeader";
import { VersionNotice, type Notice } from "./VersionNotice";

const TABS = ["files", "metadata", "lineage"] as const;
type Tab = (typeof TABS)[number];

export default function VersionPage() {
  const { t } = useTranslation();
  const { name = "", version: segment } = useParams();
  const [params, setParams] = useSearchParams();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const version = parseVersionSegment(segment);
  const typeParam = params.get("type") || null;
  const tab: Tab = (TABS as readonly string[]).includes(params.get("tab") ?? "") ? (params.get("tab") as Tab) : "files";
  const [confirming, setConfirming] = useState<DeleteMode | null>(null);
  const [notice, setNotice] = useState<Notice | null>(null);

  const detail = useQuery({ ...versionQuery(name, version ?? 0, typeParam), enabled: version !== null });
  // Permanent deletes are an admin's where sign-in is on (the server decides; this says so first).
  const auth = useAuth();
  const spec = `${name}:v${version ?? "?"}`;

  const remove = useMutation({
    mutationFn: (mode: DeleteMode) => artifactsApi.remove(name, version ?? 0, mode === "permanent", detail.data?.type ?? typeParam),
    onSuccess: (result, mode) => {
      setConfirming(null);
      void queryClient.invalidateQueries({ queryKey: ["run-artifacts"] });
      if (mode === "permanent") {
        // The version is gone: drop its cached answers (no refetch into a 404) and go to its artifact.
        queryClient.removeQueries({ queryKey: ARTIFACTS_KEY });
        const freed = formatBytes(result.freed_bytes ?? 0);
        navigate(artifactPath(name, detail.data?.type ?? typeParam), { state: { notice: t("artifacts.permanentDone", { spec, size: freed }) } });
        return;
      }
      restore.reset();
      setNotice({ text: t("artifacts.deletedNotice", { spec }), undoable: true });
      void queryClient.invalidateQueries({ queryKey: ARTIFACTS_KEY });
    },
  });

  // Undo (in the notice) and Restore (in the deleted banner) are the same call.
  const restore = useMutation({
    mutationFn: () => artifactsApi.restore(name, version ?? 0, detail.data?.type ?? typeParam),
    onSuccess: () => {
      setNotice({ text: t("artifacts.restoredNotice", { spec }), undoable: false });
      void queryClient.invalidateQueries({ queryKey: ARTIFACTS_KEY });
      void queryClient.invalidateQueries({ queryKey: ["run-artifacts"] });
    },
  });

  const crumbs = (
    <Breadcrumbs>
      <Anchor component={Link} to="/artifacts" size="sm">
        {t("artifacts.allArtifacts")}
      </Anchor>
      <Anchor component={Link} to={artifactPath(name, detail.data?.type ?? typeParam)} size="sm">
        {name}
      </Anchor>
      <Text size="sm">{segment}</Text>
    </Breadcrumbs>
  );

  if (version === null) {
    return (
      <Stack gap="md">
        {crumbs}
        <ErrorAlert error={new Error(t("artifacts.badVersion", { segment: segment ?? "" }))} />
      </Stack>
    );
  }
  if (detail.isPending) {
    return (
      <Stack gap="md">
        {crumbs}
        <Center h={300}>
          <Loader />
        </Center>
      </Stack>
    );
  }
  if (detail.error) {
    const missing = detail.error instanceof ApiError && detail.error.status === 404;
    return (
      <Stack gap="md">
        {crumbs}
        <ErrorAlert error={missing ? new Error(t("artifacts.versionNotFound", { spec })) : detail.error} onRetry={missing ? undefined : () => void detail.refetch()} />
      </Stack>
    );
  }

  const data = detail.data;
  const deleted = data.status === "deleted";
  const actions = (
    <>
      {!deleted && (
        <Button variant="light" color="red" onClick={() => setConfirming("soft")} data-testid="delete-soft">
          {t("artifacts.deleteSoft")}
        </Button>
      )}
      <Button variant="outline" color="red" onClick={() => setConfirming("permanent")} data-testid="delete-permanent">
        {t("artifacts.deletePermanent")}
      </Button>
    </>
  );

  return (
    <Stack gap="md">
      {crumbs}
      {notice && (
        <VersionNotice notice={notice} busy={restore.isPending} onUndo={() => restore.mutate()} onClose={() => setNotice(null)} />
      )}
      {deleted && <DeletedBanner spec={spec} busy={restore.isPending} error={restore.error} onRestore={() => restore.mutate()} />}
      <VersionHeader detail={data} actions={actions} />
      <Tabs
        value={tab}
        keepMounted={false}
        onChange={(value) => {
          const next = new URLSearchParams(params);
          if (value && value !== "files") next.set("tab", value);
          else next.delete("tab");
          setParams(next, { replace: true });
        }}
      >
        <Tabs.List mb="md">
          <Tabs.Tab value="files" data-testid="tab-files">
            {t("artifacts.tabFiles")}
          </Tabs.Tab>
          <Tabs.Tab value="metadata" data-testid="tab-metadata">
            {t("artifacts.metadata")}
          </Tabs.Tab>
          <Tabs.Tab value="lineage" data-testid="tab-lineage">
            {t("artifacts.tabLineage")}
          </Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="files">
          <FilesPanel name={name} version={version} type={data.type} />
        </Tabs.Panel>
        <Tabs.Panel value="metadata">
          <MetadataPanel detail={data} />
        </Tabs.Panel>
        <Tabs.Panel value="lineage">
          <LineagePanel name={name} version={version} type={data.type} />
        </Tabs.Panel>
      </Tabs>
      <DeleteVersionDialog
        mode={confirming}
        spec={spec}
        busy={remove.isPending}
        error={remove.error}
        refusal={auth.canAdmin ? null : t("artifacts.needsAdmin", { user: auth.user?.username ?? "?" })}
        onCancel={() => {
          setConfirming(null);
          remove.reset();
        }}
        onConfirm={(mode) => remove.mutate(mode)}
      />
    </Stack>
  );
}
