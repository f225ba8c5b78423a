/** Run archives: POST /api/runs/export (a ZIP), /api/import/preview (multipart) and /api/import/archive. */
import { csrfToken, errorFromBody, request } from "./client";
import { signalUnauthenticated } from "./authSignals";

export type ImportMode = "merge" | "isolate";

export interface RunRef {
  id: string;
  project: string;
  name: string;
}

export interface VersionRef {
  type: string;
  name: string;
  version: number;
}

export interface ImportConflict {
  run?: string;
  artifact?: string;
  type?: string;
  reason: string;
}

export interface ImportPlan {
  mode: ImportMode;
  runs: { new: RunRef[]; duplicates: RunRef[] };
  artifacts: { new: VersionRef[]; present: VersionRef[] };
  conflicts: ImportConflict[];
}

export interface ImportPreview extends ImportPlan {
  token: string;
  expires_at: number;
  size_bytes: number;
}

export interface ImportResult extends ImportPlan {
  imported_runs: number;
  imported_versions: number;
}

/** A POST whose answer is a file, not JSON (the one case `request` does not cover). */
async function postForFile(path: string, body: string): Promise<Response> {
  const headers = new Headers({ "Content-Type": "application/json" });
  const token = csrfToken();
  if (token) headers.set("X-CSRFToken", token);
  const response = await fetch(path, { method: "POST", body, headers, credentials: "same-origin" });
  if (!response.ok) {
    if (response.status === 401) signalUnauthenticated();
    let detail: unknown = null;
    try {
      detail = await response.json();
    } catch {
      detail = null;
    }
    throw errorFromBody(response.status, response.statusText, detail);
  }
  return response;
}

/** The archive of these runs, and the file name the server suggests. */
export async function exportRuns(runIds: string[]): Promise<{ blob: Blob; fileName: string }> {
  const response = await postForFile("/api/runs/export", JSON.stringify({ run_ids: runIds }));
  const disposition = response.headers.get("Content-Disposition") ?? "";
  const fileName = /filename="([^"]+)"/.exec(disposition)?.[1] ?? "runicorn-runs.zip";
  return { blob: await response.blob(), fileName };
}

export function previewImport(file: File, mode: ImportMode): Promise<ImportPreview> {
  const form = new FormData();
  form.append("file", file);
  form.append("mode", mode);
  return request("/api/import/preview", { method: "POST", body: form });
}

export function importArchive(token: string, mode: ImportMode): Promise<ImportResult> {
  return request("/api/import/archive", { method: "POST", body: JSON.stringify({ token, mode }) });
}
