/** Where the login page sends the user afterwards: the page they wanted, never another site. */

export const LOGIN_PATH = "/login";

/** The path to come back to, when `raw` is one of this app's own pages; else the landing page. */
export function safeNext(raw: string | null | undefined): string {
  // "//host" and "/\host" are other origins to a browser; the login page itself would loop.
  if (!raw || !raw.startsWith("/") || raw.startsWith("//") || raw.startsWith("/\\")) return "/";
  if (raw === LOGIN_PATH || raw.startsWith(`${LOGIN_PATH}?`) || raw.startsWith(`${LOGIN_PATH}/`)) return "/";
  return raw;
}

/** `/login?next=<the current page>` (path, query and fragment kept). */
export function loginPath(location: Pick<Location, "pathname" | "search" | "hash">): string {
  const here = `${location.pathname}${location.search}${location.hash}`;
  const next = safeNext(here);
  return next === "/" ? LOGIN_PATH : `${LOGIN_PATH}?next=${encodeURIComponent(next)}`;
}
