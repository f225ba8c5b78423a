/** Why a sign-in failed, as the login page words it (what happened and what to try next). */
import { ApiError } from "../../api/client";

export type LoginProblem =
  | { kind: "wrong" }
  | { kind: "rateLimited"; seconds: number | null }
  | { kind: "refused"; detail: string }
  | { kind: "unreachable"; status: number | null }
  | { kind: "other"; detail: string };

export function loginProblem(error: unknown): LoginProblem {
  if (!(error instanceof ApiError)) {
    // fetch rejects (TypeError) when no answer came at all: the viewer is down or the network is.
    return error instanceof TypeError ? { kind: "unreachable", status: null } : { kind: "other", detail: String(error) };
  }
  if (error.status === 400) return { kind: "wrong" };
  if (error.status === 429) return { kind: "rateLimited", seconds: error.retryAfter };
  if (error.status === 403) return { kind: "refused", detail: error.message };
  // A proxy in front of a stopped viewer answers 502/503/504.
  if ([502, 503, 504].includes(error.status)) return { kind: "unreachable", status: error.status };
  return { kind: "other", detail: error.message };
}
