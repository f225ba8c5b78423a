/** Values of summary and environment tables as a person reads them; the exact value stays in the title. */
import type { JsonValue } from "../api/types";
import { formatBytes, formatNumber, formatTime, formatValue } from "./format";

const TIME_KEY = /(^|[._/])(time|timestamp|date|started|ended|created|modified|updated|boot_time)([._/]|$)|_at$|_time$/i;
const BYTES_KEY = /bytes|(^|[._/])(size|memory|mem|ram|disk|total|available|used|free)([._/]|$)/i;
// Unix seconds between 2001 and 2286: a plausible timestamp, not a count or a duration.
const EPOCH_MIN = 1e9;
const EPOCH_MAX = 1e10;

/** Numbers rounded (the summary tab); everything else as JSON. */
export function roundedValue(value: JsonValue): string {
  return typeof value === "number" ? formatNumber(value) : formatValue(value);
}

/** Dates and sizes in human units by the key's name (the environment tab), numbers rounded. */
export function humanValue(key: string, value: JsonValue): string {
  if (typeof value === "number" && Number.isFinite(value)) {
    if (TIME_KEY.test(key) && value >= EPOCH_MIN && value < EPOCH_MAX) return formatTime(value);
    if (BYTES_KEY.test(key) && Number.isInteger(value) && value >= 1024) return formatBytes(value);
    return formatNumber(value);
  }
  if (typeof value === "string" && TIME_KEY.test(key) && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(value)) {
    const ms = Date.parse(value);
    if (Number.isFinite(ms)) return formatTime(ms / 1000);
  }
  return formatValue(value);
}
