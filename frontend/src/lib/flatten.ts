import type { JsonValue } from "../api/types";

/** Nested objects as `a.b.c` keys (arrays stay values), in key order. */
export function flatten(value: JsonValue | undefined, prefix = "", out: [string, JsonValue][] = []): [string, JsonValue][] {
  if (value !== null && typeof value === "object" && !Array.isArray(value)) {
    const entries = Object.entries(value);
    if (entries.length === 0 && prefix) out.push([prefix, value]);
    for (const [key, inner] of entries) flatten(inner, prefix ? `${prefix}.${key}` : key, out);
  } else if (prefix) {
    out.push([prefix, value ?? null]);
  }
  return out;
}
