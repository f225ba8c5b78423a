import { useEffect, useState } from "react";

/** The current Unix time in seconds, refreshed every `intervalMs` while `active` (running runs' durations count up). */
export function useNow(active: boolean, intervalMs = 1000): number {
  const [now, setNow] = useState(() => Date.now() / 1000);
  useEffect(() => {
    if (!active) return;
    setNow(Date.now() / 1000);
    const timer = window.setInterval(() => setNow(Date.now() / 1000), intervalMs);
    return () => window.clearInterval(timer);
  }, [active, intervalMs]);
  return now;
}

/** Seconds a run has taken: to its end, or to `now` while it is still running. */
export function runDuration(
  run: { status: string; duration: number | null; started_at: number | null; created_at: number | null },
  now: number,
): number | null {
  if (run.duration !== null) return run.duration;
  const start = run.started_at ?? run.created_at;
  if (run.status !== "running" || start === null) return null;
  return Math.max(0, now - start);
}
