/** TanStack Query options of the artifacts pages; every key starts with "artifacts" so one invalidation refreshes them all. */
import { queryOptions } from "@tanstack/react-query";
import { artifactsApi } from "../../api/artifacts";

export const ARTIFACTS_KEY = ["artifacts"] as const;

export const listQuery = (type: string | null) =>
  queryOptions({ queryKey: ["artifacts", "list", type], queryFn: () => artifactsApi.list(type) });

export const statsQuery = () => queryOptions({ queryKey: ["artifacts", "stats"], queryFn: artifactsApi.stats });

export const versionsQuery = (name: string, type: string | null) =>
  queryOptions({ queryKey: ["artifacts", "versions", name, type], queryFn: () => artifactsApi.versions(name, type) });

export const versionQuery = (name: string, version: number, type: string | null) =>
  queryOptions({
    queryKey: ["artifacts", "version", name, version, type],
    queryFn: () => artifactsApi.version(name, version, type),
  });

export const filesQuery = (name: string, version: number, type: string | null) =>
  queryOptions({
    queryKey: ["artifacts", "files", name, version, type],
    queryFn: () => artifactsApi.files(name, version, type),
  });

export const lineageQuery = (name: string, version: number, depth: number, type: string | null) =>
  queryOptions({
    queryKey: ["artifacts", "lineage", name, version, depth, type],
    queryFn: () => artifactsApi.lineage(name, version, depth, type),
  });
