/**
 * The one typed client of the viewer's API. Every request of the UI goes through here, so the
 * error shape (`{"detail": ..., "param"?, "position"?, "expected"?}`) is read in one place.
 */
import type {
  BatchResult,
  ColumnKeys,
  ColumnWidths,
  DeletedRun,
  EnvironmentAnswer,
  ExperimentDetail,
  ExperimentPage,
  ExperimentQuery,
  FastMetrics,
  ImageEvent,
  JsonObject,
  MetricsMessage,
  MetricsTable,
  RunArtifacts,
  RunDetail,
  WorkspaceAnswer,
  WorkspacePage,
} from "./types";
import { signalSocketForbidden, signalUnauthenticated } from "./authSignals";

/** Bounds of the `downsample` parameter of the metrics endpoints. */
export const DOWNSAMPLE_MIN = 100;
export const DOWNSAMPLE_MAX = 50_000;

export class ApiError extends Error {
  readonly status: number;
  readonly param: string | null;
  /** 0-based character offset of a `q=` syntax error. */
  readonly position: number | null;
  readonly expected: string | null;
  /** Seconds until a rate-limited (429) request may be sent again. */
  readonly retryAfter: number | null;

  constructor(
    status: number,
    detail: string,
    extra: { param?: unknown; position?: unknown; expected?: unknown; retry_after?: unknown } = {},
  ) {
    super(detail);
    this.name = "ApiError";
    this.status = status;
    this.param = typeof extra.param === "string" ? extra.param : null;
    this.position = typeof extra.position === "number" ? extra.position : null;
    this.expected = typeof extra.expected === "string" ? extra.expected : null;
    this.retryAfter = typeof extra.retry_after === "number" ? extra.retry_after : null;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The ApiError for a failed response body (JSON `detail`, or the status line). */
export function errorFromBody(status: number, statusText: string, body: unknown): ApiError {
  if (isRecord(body)) {
    const detail = body.detail;
    const message =
      typeof detail === "string" ? detail : detail !== undefined ? JSON.stringify(detail) : `${status} ${statusText}`;
    return new ApiError(status, message, body);
  }
  return new ApiError(status, `${status} ${statusText}`.trim());
}

const CSRF_COOKIE = "csrftoken";
const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/** The CSRF token Django put in its cookie (GET /api/auth/me sets it); null before that. */
export function csrfToken(cookies: string = typeof document === "undefined" ? "" : document.cookie): string | null {
  for (const part of cookies.split(";")) {
    const [name, ...value] = part.trim().split("=");
    if (name === CSRF_COOKIE) return decodeURIComponent(value.join("=")) || null;
  }
  return null;
}

/**
 * A request to the API and its body parsed as JSON (null when empty or not JSON), whatever the
 * status. Writes carry the CSRF token (the team profile's session login needs it; the embedded
 * profile ignores it). For modules whose API has its own error shape; others use `request`.
 */
export async function fetchJson(path: string, init?: RequestInit): Promise<{ response: Response; body: unknown }> {
  const headers = new Headers(init?.headers);
  headers.set("Accept", "application/json");
  // FormData (uploads) gets its multipart boundary from the browser: no Content-Type of ours.
  if (init?.body && !(init.body instanceof FormData) && !headers.has("Content-Type")) headers.set("Content-Type", "application/json");
  const token = SAFE_METHODS.has((init?.method ?? "GET").toUpperCase()) ? null : csrfToken();
  if (token) headers.set("X-CSRFToken", token);
  const response = await fetch(path, { credentials: "same-origin", ...init, headers });
  let body: unknown = null;
  const text = await response.text();
  if (text) {
    try {
      body = JSON.parse(text);
    } catch {
      body = null;
    }
  }
  return { response, body };
}

/**
 * A request to the API, parsed as JSON; a non-2xx answer throws an ApiError, and a 401 tells the
 * app to show the login page (authSignals) before the caller sees the error.
 */
export async function request<T>(path: string, init?: RequestInit): Promise<T> {
  const { response, body } = await fetchJson(path, init);
  if (!response.ok) {
    if (response.status === 401) signalUnauthenticated();
    throw errorFromBody(response.status, response.statusText, body);
  }
  return body as T;
}

export function post<T>(path: string, payload: unknown): Promise<T> {
  return request<T>(path, { method: "POST", body: JSON.stringify(payload) });
}

/** A write with another method (PUT, PATCH, DELETE), with an optional JSON body. */
export function send<T>(method: "PUT" | "PATCH" | "DELETE", path: string, payload?: unknown): Promise<T> {
  return request<T>(path, { method, ...(payload === undefined ? {} : { body: JSON.stringify(payload) }) });
}

export const enc = encodeURIComponent;

/** `?a=1&b=x` from defined, non-empty values (arrays as comma lists). */
export function queryString(params: Record<string, string | number | boolean | string[] | undefined | null>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || value === null || value === "") continue;
    if (Array.isArray(value)) {
      if (value.length) search.set(key, value.join(","));
    } else {
      search.set(key, String(value));
    }
  }
  const text = search.toString();
  return text ? `?${text}` : "";
}

export function clampDownsample(points: number): number {
  return Math.max(DOWNSAMPLE_MIN, Math.min(DOWNSAMPLE_MAX, Math.round(points)));
}

export const api = {
  experiments(query: ExperimentQuery): Promise<ExperimentPage> {
    return request(`/api/v2/experiments${queryString({ ...query })}`);
  },
  columnKeys(project?: string, prefix?: string): Promise<ColumnKeys> {
    return request(`/api/v2/experiments/columns${queryString({ project, prefix })}`);
  },
  columnWidths(table: string, size: string): Promise<ColumnWidths> {
    return request(`/api/config/column-widths${queryString({ table, size })}`);
  },
  saveColumnWidths(table: string, size: string, widths: Record<string, number>): Promise<{ ok: boolean }> {
    return post("/api/config/column-widths", {
      table, size, widths, window_width: window.innerWidth, window_height: window.innerHeight,
    });
  },
  workspace(page: WorkspacePage, project: string): Promise<WorkspaceAnswer> {
    return request(`/api/workspaces/${page}${queryString({ project })}`);
  },
  saveWorkspace(page: WorkspacePage, project: string, layout: JsonObject): Promise<WorkspaceAnswer> {
    return send("PUT", `/api/workspaces/${page}${queryString({ project })}`, { layout });
  },
  resetWorkspace(page: WorkspacePage, project: string): Promise<WorkspaceAnswer> {
    return send("DELETE", `/api/workspaces/${page}${queryString({ project })}`);
  },
  experiment(runId: string): Promise<ExperimentDetail> {
    return request(`/api/v2/experiments/${enc(runId)}`);
  },
  run(runId: string): Promise<RunDetail> {
    return request(`/api/runs/${enc(runId)}`);
  },
  projects(): Promise<{ projects: string[] }> {
    return request("/api/projects");
  },
  names(project: string): Promise<{ names: string[] }> {
    return request(`/api/projects/${enc(project)}/names`);
  },
  softDelete(runIds: string[], reason = "deleted in the web UI"): Promise<BatchResult & { deleted: number }> {
    return post("/api/v2/experiments/batch-delete", { exp_ids: runIds, reason });
  },
  recycleBin(): Promise<{ deleted_runs: DeletedRun[] }> {
    return request("/api/recycle-bin");
  },
  restore(runIds: string[]): Promise<BatchResult & { restored_count: number }> {
    return post("/api/recycle-bin/restore", { run_ids: runIds });
  },
  emptyRecycleBin(): Promise<{ permanently_deleted: number; message: string }> {
    return post("/api/recycle-bin/empty", { confirm: true });
  },
  /** All of a run's metric rows by step, each metric reduced to about `downsample` points. */
  metricsByStep(runId: string, downsample?: number): Promise<MetricsTable & { total: number }> {
    return request(`/api/runs/${enc(runId)}/metrics_step${queryString({ downsample })}`);
  },
  /** Some metrics over a step range (`[low, high]`, either open), optionally reduced. */
  metricsFast(
    runId: string,
    options: { names?: string[]; stepRange?: [number | null, number | null]; downsample?: number },
  ): Promise<FastMetrics> {
    const range = options.stepRange;
    return request(
      `/api/v2/experiments/${enc(runId)}/metrics/fast${queryString({
        metric_names: options.names,
        step_range: range ? `${range[0] ?? ""}:${range[1] ?? ""}` : undefined,
        downsample: options.downsample,
      })}`,
    );
  },
  environment(runId: string): Promise<EnvironmentAnswer> {
    return request(`/api/environment/${enc(runId)}`);
  },
  images(runId: string): Promise<{ images: ImageEvent[] }> {
    return request(`/api/runs/${enc(runId)}/images`);
  },
  artifacts(runId: string): Promise<RunArtifacts> {
    return request(`/api/runs/${enc(runId)}/artifacts`);
  },
};

/** URL of a file a run logged under `media/` (the path as the image event holds it). */
export function mediaUrl(runId: string, path: string): string {
  return `/api/runs/${enc(runId)}/media/${path.split("/").map(enc).join("/")}`;
}

export function wsUrl(path: string, location: Pick<Location, "protocol" | "host"> = window.location): string {
  return `${location.protocol === "https:" ? "wss:" : "ws:"}//${location.host}${path}`;
}

/** A metrics WebSocket frame, or null for one this client does not understand. */
export function parseMetricsMessage(text: string): MetricsMessage | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (!isRecord(value) || typeof value.type !== "string") return null;
  switch (value.type) {
    case "hello":
    case "reset":
    case "rows":
      if (!Array.isArray(value.columns)) return null;
      if (value.type === "rows" && !Array.isArray(value.rows)) return null;
      return value as MetricsMessage;
    case "error":
    case "info":
      return typeof value.detail === "string" ? (value as MetricsMessage) : null;
    default:
      return null;
  }
}

/** WebSocket close codes of the team profile's guard (apps/accounts/websocket.py). */
export const CLOSE_UNAUTHENTICATED = 4401;
export const CLOSE_FORBIDDEN = 4403;

/**
 * Call from a socket's `onclose`: true when the server refused the socket for want of a login
 * (the app shows the login page) or a permission (the app says so); reconnecting would not help.
 */
export function socketRefused(code: number): boolean {
  if (code === CLOSE_UNAUTHENTICATED) signalUnauthenticated();
  else if (code === CLOSE_FORBIDDEN) signalSocketForbidden();
  else return false;
  return true;
}

export const sockets = {
  logs: (runId: string) => wsUrl(`/api/runs/${enc(runId)}/logs/ws`),
  metrics: (runId: string) => wsUrl(`/api/runs/${enc(runId)}/metrics/ws`),
};
