/**
 * API requests that index.html starts before the app's code has loaded (the inline script
 * there), handed to the app's first queries: the first page's data is on its way while the
 * browser loads, compiles and runs the bundle, instead of after it.
 *
 * An early request is used once, by the query whose URL it is. The script only guesses the
 * URLs of a few first pages; any other page, a URL it guessed differently, a failed or refused
 * early answer, or a browser that blocked the inline script, simply means the query asks itself,
 * the usual way (so errors, a login prompt etc. behave exactly as without it).
 */
import { enc, queryString } from "./api/client";
import type { ExperimentQuery } from "./api/types";

declare global {
  interface Window {
    /** URL → its parsed JSON answer; rejected when the request failed or was refused. */
    __runicornEarly?: Record<string, Promise<unknown> | undefined>;
  }
}

/** The URLs the app's client asks for these queries (kept equal to `api` in client.ts; tested). */
export const earlyUrls = {
  experiments: (query: ExperimentQuery) => `/api/v2/experiments${queryString({ ...query })}`,
  projects: () => "/api/projects",
  run: (runId: string) => `/api/runs/${enc(runId)}`,
};

function take(url: string): Promise<unknown> | undefined {
  const early = typeof window === "undefined" ? undefined : window.__runicornEarly;
  const pending = early?.[url];
  if (early && pending) delete early[url];
  return pending;
}

/** A query function that reads the early answer for `url` when there is a good one, else calls `ask`. */
export function fromEarly<T>(url: string, ask: () => Promise<T>): () => Promise<T> {
  return async () => {
    const pending = take(url);
    if (pending) {
      try {
        return (await pending) as T;
      } catch {
        // Refused (a 4xx/5xx) or failed on the network: ask again, the usual way, so the
        // error (or a login prompt) comes from the client as for any other request.
      }
    }
    return ask();
  };
}
