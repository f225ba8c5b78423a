/** Who is signed in, as the rest of the UI needs it (menus, admin-only buttons, redirects). */
import { useQuery } from "@tanstack/react-query";
import { meQuery, type AuthUser } from "../api/auth";

export interface AuthState {
  /** The server has answered `GET /api/auth/me` at least once. */
  loaded: boolean;
  /** The team profile: logins required. False in the embedded profile (and until known). */
  required: boolean;
  /** The signed-in user; null when nobody is (or the profile has no accounts). */
  user: AuthUser | null;
  /**
   * May the caller do admin-only things (empty the recycle bin...)? Everyone may without accounts;
   * until `me` answers the buttons stay usable (the server still decides, and says why in words).
   */
  canAdmin: boolean;
}

export function useAuth(): AuthState {
  const { data } = useQuery(meQuery());
  const required = data?.auth_required ?? false;
  const user = data?.authenticated ? data.user : null;
  return { loaded: data !== undefined, required, user, canAdmin: !required || data === undefined || Boolean(user?.is_admin) };
}
