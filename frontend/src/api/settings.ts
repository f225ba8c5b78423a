/**
 * The config API (`/api/config/...`): the storage root the viewer serves and the saved SSH
 * connections. Secrets only ever travel to the server; what comes back says whether one is
 * remembered (`has_password` ...), never the secret itself.
 */
import { enc, post, request, send } from "./client";

/** `GET /api/config`. */
export interface ViewerConfig {
  /** The root saved in the user config file; empty when none is saved. */
  user_root_dir: string;
  /** The root the viewer serves now. */
  storage: string;
  /** Which rule chose it: "argument", "RUNICORN_DIR", "user config", "./.runicorn" or "default". */
  storage_source?: string;
  config_file: string;
  version: string;
}

/** `POST /api/config/user_root_dir`. */
export interface RootSwitched {
  ok: boolean;
  user_root_dir: string;
  storage: string;
  message: string;
}

export type AuthMethod = "password" | "key" | "agent";

/** A saved connection as the server shows it (secrets masked). */
export interface SavedConnection {
  /** `host:port@username`: the server derives it, so changing those fields makes a new entry. */
  key: string;
  host: string;
  port: number;
  username: string;
  name: string;
  auth_method: AuthMethod;
  remember_password: boolean;
  saved_at?: string;
  private_key_path?: string;
  has_password: boolean;
  has_private_key: boolean;
  has_passphrase: boolean;
}

/** What the form sends; a secret left out keeps the one remembered for the same key. */
export interface ConnectionInput {
  host: string;
  port: number;
  username: string;
  name: string;
  auth_method: AuthMethod;
  remember_password: boolean;
  private_key_path?: string;
  password?: string;
  private_key?: string;
  passphrase?: string;
}

export const settingsApi = {
  config(): Promise<ViewerConfig> {
    return request("/api/config");
  },
  setUserRootDir(path: string): Promise<RootSwitched> {
    return post("/api/config/user_root_dir", { path });
  },
  connections(): Promise<{ connections: SavedConnection[] }> {
    return request("/api/config/ssh_connections");
  },
  connection(key: string): Promise<{ ok: boolean; connection: SavedConnection }> {
    return request(`/api/config/ssh_connections/${enc(key)}/details`);
  },
  saveConnection(input: ConnectionInput): Promise<{ ok: boolean; key: string; connection: SavedConnection }> {
    return post("/api/config/ssh_connections", input);
  },
  deleteConnection(key: string): Promise<{ ok: boolean; message: string }> {
    return send("DELETE", `/api/config/ssh_connections/${enc(key)}`);
  },
};

export const settingsKeys = {
  config: ["config"] as const,
  connections: ["ssh-connections"] as const,
  connection: (key: string) => ["ssh-connection", key] as const,
};
