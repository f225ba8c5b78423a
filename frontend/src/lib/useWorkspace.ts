import { useCallback, useEffect, useRef } from "react";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "../api/client";
import { retryUnlessRefused } from "../api/queries";
import type { JsonObject, WorkspacePage } from "../api/types";

const SAVE_DELAY_MS = 600;

/**
 * The saved layout of a page for a project (`/api/workspaces/{page}`): per user in the team
 * profile. `save` keeps the latest layout after a short pause (a slider drag is one save), `reset`
 * forgets it.
 */
export function useWorkspace(page: WorkspacePage, project: string) {
  const client = useQueryClient();
  const key = ["workspace", page, project];
  const saved = useQuery({
    queryKey: key,
    queryFn: () => api.workspace(page, project),
    enabled: project !== "",
    staleTime: Infinity,
    retry: retryUnlessRefused,
  });
  const timer = useRef<number | undefined>(undefined);
  useEffect(() => () => window.clearTimeout(timer.current), []);
  const save = useCallback(
    (layout: JsonObject) => {
      window.clearTimeout(timer.current);
      timer.current = window.setTimeout(() => {
        api.saveWorkspace(page, project, layout).then((answer) => client.setQueryData(key, answer), () => undefined);
      }, SAVE_DELAY_MS);
    },
    [page, project, client], // eslint-disable-line react-hooks/exhaustive-deps
  );
  const reset = useCallback(async () => {
    window.clearTimeout(timer.current);
    const answer = await api.resetWorkspace(page, project);
    client.setQueryData(key, answer);
  }, [page, project, client]); // eslint-disable-line react-hooks/exhaustive-deps
  return { layout: saved.data?.layout ?? null, loaded: !saved.isPending || project === "", save, reset };
}
