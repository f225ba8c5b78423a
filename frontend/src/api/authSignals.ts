/**
 * What the server said about the session, for the app to act on: a 401 (or a socket closed with
 * 4401) means "sign in again", a socket closed with 4403 means "not allowed". Kept outside React,
 * because the start-up prefetch can be refused before the app has mounted: the counts stay until
 * the app's AuthWatcher reads them.
 */

export interface AuthSignals {
  /** How many requests or sockets were refused for want of a login so far. */
  unauthenticated: number;
  /** How many live connections were refused for want of a permission so far. */
  socketForbidden: number;
}

let current: AuthSignals = { unauthenticated: 0, socketForbidden: 0 };
const listeners = new Set<() => void>();

function update(next: AuthSignals): void {
  current = next;
  for (const listener of listeners) listener();
}

export function signalUnauthenticated(): void {
  update({ ...current, unauthenticated: current.unauthenticated + 1 });
}

export function signalSocketForbidden(): void {
  update({ ...current, socketForbidden: current.socketForbidden + 1 });
}

/** For useSyncExternalStore: the snapshot object changes only when a signal arrives. */
export function authSignals(): AuthSignals {
  return current;
}

export function subscribeAuthSignals(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Back to a fresh page's state (no signals yet): each test starts from there. */
export function resetAuthSignals(): void {
  update({ unauthenticated: 0, socketForbidden: 0 });
}
