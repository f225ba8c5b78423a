/**
 * What a failed Remote request means for the user and what to try next. Pure: the page turns the
 * kind into translated words (`remote.errors.<kind>.title` / `.advice`).
 */
import { ApiError } from "../../api/client";
import type { AuthMethod } from "../../api/settings";
import { RemoteApiError } from "../../api/remote";

export const ADVICE_KINDS = [
  "hostKey",
  "hostKeyChanged",
  "authKey",
  "authPassword",
  "authAgent",
  "passphrase",
  "timeout",
  "unreachable",
  "ssh",
  "lost",
  "gone",
  "invalid",
  "rateLimited",
  "envMissing",
  "viewerRunning",
  "viewerFailed",
  "viewerTimeout",
  "viewerStopped",
  "savedMissing",
  "localViewer",
  "server",
  "unknown",
] as const;
export type AdviceKind = (typeof ADVICE_KINDS)[number];

export interface Advice {
  kind: AdviceKind;
  /** The code the server gave (or one made from the status). */
  code: string;
  /** The server's own words: they name the host, the key file, the exit status. */
  message: string;
  /** Values the advice text interpolates. */
  values: Record<string, string | number>;
}

/** What the failing request was about, to word the advice for it. */
export interface AdviceContext {
  authMethod?: AuthMethod;
  host?: string;
  port?: number;
}

function authKind(message: string, method: AuthMethod | undefined): AdviceKind {
  const text = message.toLowerCase();
  if (text.includes("passphrase")) return "passphrase";
  if (text.includes("agent") || method === "agent") return "authAgent";
  if (method === "password" || text.includes("(password)")) return "authPassword";
  return "authKey";
}

function kindOf(error: RemoteApiError, context: AdviceContext): AdviceKind {
  switch (error.code) {
    case "host_key_confirmation_required":
      return error.hostKey?.reason === "changed" ? "hostKeyChanged" : "hostKey";
    case "authentication_failed":
      return authKind(error.message, context.authMethod);
    case "connection_timeout":
      return "timeout";
    case "connection_failed":
      return "unreachable";
    case "ssh_error":
      return "ssh";
    case "connection_lost":
      return "lost";
    case "connection_not_found":
      // The same code answers a saved connection that is not there (any more).
      return error.message.includes("saved connection") ? "savedMissing" : "gone";
    case "invalid_parameters":
      return "invalid";
    case "rate_limited":
      return "rateLimited";
    case "environment_not_found":
      return "envMissing";
    case "viewer_already_running":
      return "viewerRunning";
    case "viewer_start_failed":
      return "viewerFailed";
    case "viewer_start_timeout":
      return "viewerTimeout";
    case "viewer_not_running":
      return "viewerStopped";
    case "viewer_unreachable":
      return "localViewer";
    case "not_found":
      return "savedMissing";
    case "internal_error":
    case "server_error":
      return "server";
    default:
      return error.status >= 500 ? "server" : "unknown";
  }
}

/** The advice for any error a Remote request can throw. */
export function adviceFor(error: unknown, context: AdviceContext = {}): Advice {
  const where = context.host ? `${context.host}:${context.port ?? 22}` : "";
  if (error instanceof RemoteApiError) {
    const kind = kindOf(error, context);
    return {
      kind,
      code: error.code,
      message: error.message,
      values: { where, seconds: error.retryAfter ?? 60 },
    };
  }
  if (error instanceof ApiError) {
    return { kind: error.status >= 500 ? "server" : "unknown", code: String(error.status), message: error.message, values: { where, seconds: 60 } };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { kind: "unknown", code: "unknown", message, values: { where, seconds: 60 } };
}

/** Kinds after which the way forward is to connect again (the SSH connection is gone). */
export function needsReconnect(advice: Advice): boolean {
  return advice.kind === "lost" || advice.kind === "gone";
}
