/**
 * The Remote API (`/api/remote/...`) and saved SSH connections (`/api/config/ssh_connections`).
 *
 * The Remote API answers errors as `{"success": false, "error": <code>, "message"}` (a host key
 * to confirm adds `detail.host_key`), the config API as `{"detail"}`. `ApiError` keeps only the
 * words, so this module reads the body itself and throws a `RemoteApiError` that also carries the
 * machine-readable code and the host key to confirm. The Remote API's 401 means the SSH server
 * refused the login, not that the user's session ended: only a 401 without a Remote error code
 * signals the app to show its login page.
 */
import { signalUnauthenticated } from "./authSignals";
import { ApiError, enc, fetchJson, queryString } from "./client";
// Saved connections are the Config API's (settings.ts owns their shapes); this module calls the
// same endpoints through `call` so the wizard reads their errors like the Remote API's.
import type { AuthMethod, ConnectionInput, SavedConnection } from "./settings";

export interface ViewerBrief {
  status: string;
  local_port: number;
  remote_port: number;
  url: string;
}

export interface ServerInfo {
  hostname: string;
  os: string;
  kernel: string;
  python_version: string;
}

/** One live SSH connection (`POST /api/remote/connect`, `GET /api/remote/connections`). */
export interface RemoteConnection {
  connection_id: string;
  host: string;
  port: number;
  username: string;
  auth_method: AuthMethod;
  status: "connected" | "disconnected";
  created_at: string | null;
  connected_at: string | null;
  last_ping: string | null;
  server_info: ServerInfo;
  viewer: ViewerBrief | null;
}

export interface ConnectAnswer extends RemoteConnection {
  connected: boolean;
  reconnected: boolean;
}

/** The server's host key as a 409 shows it, to be confirmed (or refused) by the user. */
export interface HostKey {
  host: string;
  port: number;
  known_hosts_host: string;
  key_type: string;
  fingerprint_sha256: string;
  public_key: string;
  reason: "unknown" | "changed" | string;
  expected_fingerprint_sha256?: string;
  expected_key_type?: string;
}

export interface RemoteEnvironment {
  name: string;
  type: "conda" | "venv" | "pyenv" | "system" | string;
  python_path: string;
  python_version: string;
  runicorn_installed: boolean;
  runicorn_version: string | null;
  viewer_installed: boolean;
  storage_root: string;
  storage_root_source: "env" | "config" | "default" | string;
  user_root_dir: string | null;
  config_file: string;
}

export interface EnvironmentList {
  connection_id: string;
  environments: RemoteEnvironment[];
  total: number;
  detection_time: string | null;
}

export interface RemoteConfig {
  connection_id: string;
  env_name: string;
  config: {
    user_root_dir: string | null;
    storage_root: string;
    storage_root_source: string;
    config_file: string;
    viewer_port: number | null;
  };
  runicorn_version: string | null;
  python_version: string;
  python_path: string;
}

/** The remote viewer: `status` is running, stopped, starting or disconnected. */
export interface ViewerState {
  status: string;
  local_port?: number;
  remote_port?: number;
  url?: string;
  remote_root?: string;
  env_name?: string;
  python_path?: string;
  pid?: number;
  started_at?: string | null;
  auto_open?: boolean;
  uptime_seconds?: number;
  health?: "healthy" | "unhealthy" | string;
}

export type CheckName = "ssh_connection" | "viewer_process" | "tunnel_active";

export interface HealthAnswer {
  connection_id: string;
  health: "healthy" | "degraded" | "unhealthy";
  checks: Record<CheckName, "pass" | "fail">;
  details: Partial<Record<CheckName, string>>;
  last_check: string;
}

/** An entry of the runicorn-managed known_hosts file (hashed entries have no readable host). */
export interface KnownHost {
  host: string | null;
  port: number | null;
  known_hosts_host: string;
  key_type: string;
  fingerprint_sha256: string;
}

export interface PingAnswer {
  latency_ms: number;
  timestamp: string;
}

/** What `POST /api/remote/connect` takes: fields, or `saved_key` for a saved connection's secrets. */
export interface ConnectRequest {
  host?: string;
  port?: number;
  username?: string;
  auth_method?: AuthMethod;
  private_key_path?: string;
  password?: string;
  passphrase?: string;
  saved_key?: string;
  timeout?: number;
}

/** A failed request: the code the Remote API gives (or one made from the status) and its words. */
export class RemoteApiError extends ApiError {
  readonly code: string;
  readonly hostKey: HostKey | null;

  constructor(status: number, code: string, message: string, hostKey: HostKey | null = null, retryAfter: number | null = null) {
    super(status, message, { retry_after: retryAfter });
    this.name = "RemoteApiError";
    this.code = code;
    this.hostKey = hostKey;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isHostKey(value: unknown): value is HostKey {
  return isRecord(value) && typeof value.fingerprint_sha256 === "string" && typeof value.public_key === "string";
}

/** The code for an answer without one (config API, rate limiter, proxies). */
function codeOfStatus(status: number): string {
  if (status === 429) return "rate_limited";
  if (status === 404) return "not_found";
  if (status >= 500) return "server_error";
  if (status === 401 || status === 403) return "forbidden";
  return "invalid_parameters";
}

/** The RemoteApiError for a failed answer's status and parsed body (null when not JSON). */
export function remoteErrorFromBody(status: number, statusText: string, body: unknown): RemoteApiError {
  if (!isRecord(body)) return new RemoteApiError(status, codeOfStatus(status), `${status} ${statusText}`.trim());
  const detail = body.detail;
  const hostKey = isRecord(detail) && isHostKey(detail.host_key) ? detail.host_key : null;
  const code =
    typeof body.error === "string"
      ? body.error
      : isRecord(detail) && typeof detail.code === "string"
        ? detail.code.toLowerCase()
        : codeOfStatus(status);
  const message =
    typeof body.message === "string"
      ? body.message
      : typeof detail === "string"
        ? detail
        : isRecord(detail) && typeof detail.message === "string"
          ? detail.message
          : `${status} ${statusText}`.trim();
  const retryAfter = typeof body.retry_after === "number" ? body.retry_after : null;
  return new RemoteApiError(status, code, message, hostKey, retryAfter);
}

async function call<T>(path: string, method: "GET" | "POST" | "DELETE" = "GET", payload?: unknown): Promise<T> {
  let answer: Awaited<ReturnType<typeof fetchJson>>;
  try {
    answer = await fetchJson(path, { method, ...(payload === undefined ? {} : { body: JSON.stringify(payload) }) });
  } catch {
    // fetch itself failed: the local viewer is gone (or the network between browser and viewer).
    throw new RemoteApiError(0, "viewer_unreachable", "The local viewer did not answer");
  }
  const { response, body } = answer;
  if (!response.ok) {
    const error = remoteErrorFromBody(response.status, response.statusText, body);
    if (response.status === 401 && !(isRecord(body) && typeof body.error === "string")) signalUnauthenticated();
    throw error;
  }
  return body as T;
}

const cid = (connectionId: string) => ({ connection_id: connectionId });

export const remote = {
  connect(body: ConnectRequest): Promise<ConnectAnswer> {
    return call("/api/remote/connect", "POST", body);
  },
  connections(): Promise<{ connections: RemoteConnection[]; total: number }> {
    return call("/api/remote/connections");
  },
  disconnect(connectionId: string): Promise<{ connection_id: string }> {
    return call(`/api/remote/connections/${enc(connectionId)}${queryString({ cleanup_viewer: true })}`, "DELETE");
  },
  environments(connectionId: string): Promise<EnvironmentList> {
    return call(`/api/remote/environments${queryString(cid(connectionId))}`);
  },
  detectEnvironments(connectionId: string): Promise<EnvironmentList & { environments_found: number }> {
    return call("/api/remote/environments/detect", "POST", { ...cid(connectionId), force_refresh: true });
  },
  config(connectionId: string, envName: string): Promise<RemoteConfig> {
    return call(`/api/remote/config${queryString({ ...cid(connectionId), env_name: envName })}`);
  },
  startViewer(connectionId: string, envName: string, remoteRoot: string): Promise<{ viewer: ViewerState }> {
    return call("/api/remote/viewer/start", "POST", {
      ...cid(connectionId),
      env_name: envName,
      remote_root: remoteRoot,
      auto_open: false,
    });
  },
  stopViewer(connectionId: string): Promise<{ process: string; stopped_at: string }> {
    return call("/api/remote/viewer/stop", "POST", { ...cid(connectionId), cleanup: true });
  },
  viewerStatus(connectionId: string): Promise<{ viewer: ViewerState }> {
    return call(`/api/remote/viewer/status${queryString(cid(connectionId))}`);
  },
  viewerLogs(connectionId: string, lines = 200): Promise<{ logs: string[]; total_lines: number }> {
    return call(`/api/remote/viewer/logs${queryString({ ...cid(connectionId), lines })}`);
  },
  health(connectionId: string): Promise<HealthAnswer> {
    return call(`/api/remote/health${queryString(cid(connectionId))}`);
  },
  ping(connectionId: string): Promise<PingAnswer> {
    return call(`/api/remote/ping${queryString(cid(connectionId))}`);
  },
  acceptHostKey(hostKey: HostKey): Promise<{ ok: boolean }> {
    return call("/api/remote/known-hosts/accept", "POST", {
      host: hostKey.host,
      port: hostKey.port,
      key_type: hostKey.key_type,
      public_key: hostKey.public_key,
      fingerprint_sha256: hostKey.fingerprint_sha256,
    });
  },
  knownHosts(): Promise<{ entries: KnownHost[]; total: number; path: string }> {
    return call("/api/remote/known-hosts");
  },
  forgetHostKey(host: string, port: number): Promise<{ removed: number }> {
    return call(`/api/remote/known-hosts${queryString({ host, port })}`, "DELETE");
  },
  savedConnections(): Promise<{ connections: SavedConnection[] }> {
    return call("/api/config/ssh_connections");
  },
  savedConnection(key: string): Promise<{ connection: SavedConnection }> {
    return call(`/api/config/ssh_connections/${enc(key)}/details`);
  },
  saveConnection(body: ConnectionInput): Promise<{ key: string; connection: SavedConnection }> {
    return call("/api/config/ssh_connections", "POST", body);
  },
  deleteSavedConnection(key: string): Promise<{ ok: boolean }> {
    return call(`/api/config/ssh_connections/${enc(key)}`, "DELETE");
  },
};
