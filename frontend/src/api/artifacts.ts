/**
 * The artifacts API (`/api/artifacts/...`, `/api/runs/{id}/artifacts`): response types, calls,
 * and the URLs of the pages and downloads that belong to an artifact version.
 *
 * An artifact is named by its name; `type` is passed along where the UI knows it, because two
 * artifacts of different types may share a name and the API then needs it to pick one.
 */
import { enc, post, queryString, request, send } from "./client";
import type { JsonObject } from "./types";

export interface ArtifactItem {
  name: string;
  type: string;
  num_versions: number;
  latest_version: number;
  /** Size of the latest version. */
  size_bytes: number;
  created_at: number;
  updated_at: number;
  /** alias → version number */
  aliases: Record<string, number>;
}

export interface TypeStats {
  count: number;
  versions: number;
  size_bytes: number;
}

export interface ArtifactStats {
  total_artifacts: number;
  total_versions: number;
  total_size_bytes: number;
  total_files: number;
  dedup_enabled: boolean;
  dedup_pool_size_bytes: number;
  space_saved_bytes: number;
  /** Share of the stored files' bytes that deduplication saved, 0..1. */
  dedup_ratio: number;
  by_type: Record<string, TypeStats>;
}

export interface VersionInfo {
  version: number;
  created_at: number;
  created_by_run: string;
  size_bytes: number;
  num_files: number;
  status: string;
  aliases: string[];
}

export interface VersionDetail {
  name: string;
  type: string;
  version: number;
  created_at: number | null;
  updated_at: number | null;
  created_by_run: string | null;
  created_by_user: string | null;
  size_bytes: number;
  num_files: number;
  num_references: number;
  /** "ready", or "deleted" once soft-deleted. */
  status: string;
  metadata: JsonObject;
  description: string;
  tags: string[];
  aliases: string[];
  manifest_digest: string | null;
  /** `name:vN` of the versions the producing run used. */
  parent_artifacts: string[];
}

export interface ArtifactFile {
  path: string;
  size: number;
  digest: string;
  modified_at: number | null;
  absolute_path: string | null;
  is_remote: boolean;
}

export interface ArtifactReference {
  uri: string;
  checksum: string | null;
  size: number | null;
  metadata: JsonObject;
}

export interface VersionFiles {
  artifact: string;
  files: ArtifactFile[];
  references: ArtifactReference[];
  total_size: number;
  total_files: number;
  total_references: number;
  is_remote: boolean;
}

export interface LineageNode {
  node_type: "artifact" | "run";
  /** `name:vN` for a version, `run:<id>` for a run. */
  node_id: string;
  label: string;
  metadata: {
    type?: string;
    size?: number;
    created_at?: number | null;
    run_id?: string;
    project?: string;
    name?: string;
    status?: string;
  };
}

export interface LineageEdge {
  source: string;
  target: string;
  edge_type: "uses" | "produces";
  created_at: number | null;
}

export interface Lineage {
  root_artifact: string;
  nodes: LineageNode[];
  edges: LineageEdge[];
}

/** The answer of a delete or a restore. */
export interface DeleteResult {
  success: boolean;
  message: string;
  /** Bytes the dedup pool gave back (permanent deletes only). */
  freed_bytes?: number;
}

/** The types the SDK accepts (`rn.Artifact(type=...)`). */
export const ARTIFACT_TYPES = ["model", "dataset", "config", "code", "custom"] as const;

/** The lineage walk's depth bounds (the API clamps `max_depth` to 0..10; 3 is its default). */
export const LINEAGE_MAX_DEPTH = 10;
export const LINEAGE_DEFAULT_DEPTH = 3;

const base = (name: string) => `/api/artifacts/${enc(name)}`;
const typed = (type?: string | null) => queryString({ type: type ?? undefined });

export const artifactsApi = {
  list(type?: string | null): Promise<ArtifactItem[]> {
    return request(`/api/artifacts${typed(type)}`);
  },
  stats(): Promise<ArtifactStats> {
    return request("/api/artifacts/stats");
  },
  versions(name: string, type?: string | null): Promise<VersionInfo[]> {
    return request(`${base(name)}/versions${typed(type)}`);
  },
  version(name: string, version: number, type?: string | null): Promise<VersionDetail> {
    return request(`${base(name)}/v${version}${typed(type)}`);
  },
  files(name: string, version: number, type?: string | null): Promise<VersionFiles> {
    return request(`${base(name)}/v${version}/files${typed(type)}`);
  },
  lineage(name: string, version: number, depth: number, type?: string | null): Promise<Lineage> {
    return request(`${base(name)}/v${version}/lineage${queryString({ type: type ?? undefined, max_depth: depth })}`);
  },
  /** Soft delete hides the version and keeps its files; permanent removes them (admins only with sign-in). */
  remove(name: string, version: number, permanent: boolean, type?: string | null): Promise<DeleteResult> {
    return send("DELETE", `${base(name)}/v${version}${queryString({ type: type ?? undefined, permanent })}`);
  },
  /** Undo a soft delete: the version is listed again (409 when it is not deleted). */
  restore(name: string, version: number, type?: string | null): Promise<DeleteResult> {
    return post(`${base(name)}/v${version}/restore${typed(type)}`, {});
  },
};

/** Download URL of one file of a version (each path segment encoded, the slashes kept). */
export function fileUrl(name: string, version: number, path: string, type?: string | null): string {
  return `${base(name)}/v${version}/files/${path.split("/").map(enc).join("/")}${typed(type)}`;
}

/** The UI's page of an artifact (its versions). */
export function artifactPath(name: string, type?: string | null): string {
  return `/artifacts/${enc(name)}${typed(type)}`;
}

/** The UI's page of one version. */
export function versionPath(name: string, version: number, type?: string | null): string {
  return `/artifacts/${enc(name)}/v${version}${typed(type)}`;
}

/** The version number of a `v3` route segment, or null when it is not one. */
export function parseVersionSegment(segment: string | undefined): number | null {
  const match = /^v([1-9]\d*)$/.exec(segment ?? "");
  return match ? Number(match[1]) : null;
}
