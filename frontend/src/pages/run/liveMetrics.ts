/**
 * Live metric rows of a running run, from `WS /api/runs/{id}/metrics/ws` (no polling).
 *
 * The store keeps every row received since the page opened. A chart that fetches its data later
 * merges the whole buffer after its fetch (merging is by step, so rows it already has are simply
 * replaced), then only what arrives next. A `reset` frame (the file was replaced) bumps `epoch`,
 * which the charts' queries use as a key to fetch again.
 */
import { useEffect, useMemo, useSyncExternalStore } from "react";
import { parseMetricsMessage, socketRefused, sockets } from "../../api/client";
import type { MetricRow } from "../../api/types";

const MAX_BUFFERED_ROWS = 500_000;

export class LiveStore {
  rows: MetricRow[] = [];
  columns: string[] = [];
  epoch = 0;
  connected = false;
  version = 0;
  private listeners = new Set<() => void>();

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getVersion = (): number => this.version;

  private notify(): void {
    this.version += 1;
    for (const listener of this.listeners) listener();
  }

  setConnected(connected: boolean): void {
    if (this.connected === connected) return;
    this.connected = connected;
    this.notify();
  }

  addColumns(columns: readonly string[]): void {
    const known = new Set(this.columns);
    const added = columns.filter((c) => !known.has(c));
    if (added.length) this.columns = [...this.columns, ...added];
  }

  push(rows: readonly MetricRow[], columns: readonly string[]): void {
    this.addColumns(columns);
    if (this.rows.length + rows.length > MAX_BUFFERED_ROWS) {
      this.reset(columns); // the charts fetch again rather than this page holding millions of rows
      return;
    }
    for (const row of rows) this.rows.push(row);
    this.notify();
  }

  reset(columns: readonly string[]): void {
    this.rows = [];
    this.columns = [...columns];
    this.epoch += 1;
    this.notify();
  }
}

/** Re-renders the caller on every change of `store`. */
export function useLiveVersion(store: LiveStore | null): number {
  return useSyncExternalStore(store?.subscribe ?? noopSubscribe, store?.getVersion ?? zero);
}

const noopSubscribe = () => () => undefined;
const zero = () => 0;

/**
 * The store of `runId`, following the WebSocket while `enabled` (the run is running). The socket
 * is reopened after an unexpected close, with a growing pause. `onActivity` runs on each batch.
 */
export function useLiveMetrics(runId: string, enabled: boolean, onActivity?: () => void): LiveStore {
  const store = useMemo(() => new LiveStore(), [runId]); // eslint-disable-line react-hooks/exhaustive-deps
  useEffect(() => {
    if (!enabled) return;
    let socket: WebSocket | null = null;
    let stopped = false;
    let retry = 0;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const open = () => {
      socket = new WebSocket(sockets.metrics(runId));
      socket.onopen = () => {
        retry = 0;
        store.setConnected(true);
      };
      socket.onmessage = (event: MessageEvent<string>) => {
        const message = parseMetricsMessage(event.data);
        if (!message) return;
        if (message.type === "hello") store.addColumns(message.columns);
        else if (message.type === "rows") store.push(message.rows, message.columns);
        else if (message.type === "reset") store.reset(message.columns);
        if (message.type === "rows" || message.type === "reset") onActivity?.();
      };
      socket.onclose = (event: CloseEvent) => {
        store.setConnected(false);
        onActivity?.();
        if (stopped || socketRefused(event.code)) return; // refused (4401/4403): retrying cannot help
        retry += 1;
        timer = setTimeout(open, Math.min(30_000, 1000 * 2 ** Math.min(retry, 5)));
      };
    };
    open();
    return () => {
      stopped = true;
      clearTimeout(timer);
      socket?.close();
      store.setConnected(false);
    };
  }, [runId, enabled, store, onActivity]);
  return store;
}
