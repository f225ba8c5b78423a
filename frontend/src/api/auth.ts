/**
 * The accounts endpoints (team profile, `apps/accounts`): who is signed in, logging in and out,
 * and the caller's API tokens. The embedded profile answers `auth_required: false` and has no
 * logins; its token endpoints answer 400 with a sentence saying so.
 */
import { queryOptions } from "@tanstack/react-query";
import { ApiError, csrfToken, post, request, send } from "./client";

export type Role = "admin" | "member";

export interface AuthUser {
  id: number;
  username: string;
  email: string;
  role: Role;
  is_admin: boolean;
}

export interface Me {
  authenticated: boolean;
  auth_required: boolean;
  user: AuthUser | null;
  csrf_token?: string;
}

export interface ApiToken {
  id: number;
  name: string;
  /** The public start of the token (`rnc_<12 hex>`), to tell tokens apart. */
  prefix: string;
  created_at: string | null;
  last_used_at: string | null;
  expires_at: string | null;
}

/** A token just created: `token` is the secret, which the server never shows again. */
export interface NewApiToken extends ApiToken {
  token: string;
}

export const ME_KEY = ["auth", "me"] as const;
export const TOKENS_KEY = ["auth", "tokens"] as const;

export function me(): Promise<Me> {
  return request<Me>("/api/auth/me");
}

/** Only the server's own answer counts: retrying `me` after a 4xx would not change it. */
export const meQuery = () =>
  queryOptions({
    queryKey: ME_KEY,
    queryFn: me,
    staleTime: Infinity,
    retry: (count: number, error: Error) => !(error instanceof ApiError && error.status < 500) && count < 2,
  });

/**
 * Signs in; the answer is the new `me`. Django checks CSRF on the login itself, so the cookie is
 * fetched first when missing, and once more when the server calls it stale (403).
 */
export async function login(username: string, password: string): Promise<Me> {
  if (!csrfToken()) await me();
  try {
    return await post<Me>("/api/auth/login", { username, password });
  } catch (error) {
    if (!(error instanceof ApiError && error.status === 403)) throw error;
    await me();
    return post<Me>("/api/auth/login", { username, password });
  }
}

export function logout(): Promise<{ detail: string }> {
  return post("/api/auth/logout", {});
}

export async function listTokens(): Promise<ApiToken[]> {
  return (await request<{ tokens: ApiToken[] }>("/api/auth/tokens")).tokens;
}

export function createToken(name: string, expiresInDays: number | null): Promise<NewApiToken> {
  return post<NewApiToken>("/api/auth/tokens", { name, expires_in_days: expiresInDays });
}

export function revokeToken(id: number): Promise<void> {
  return send<void>("DELETE", `/api/auth/tokens/${id}`);
}
