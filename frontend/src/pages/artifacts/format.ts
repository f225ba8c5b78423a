/** Display and filtering helpers of the artifacts pages. */
import type { ArtifactItem, ArtifactStats, TypeStats } from "../../api/artifacts";

/** `12.5%` from a 0..1 share; one decimal below 10 %, none above (`0%` for nothing saved). */
export function formatRatio(ratio: number | null | undefined): string {
  if (ratio === null || ratio === undefined || !Number.isFinite(ratio) || ratio <= 0) return "0%";
  const percent = Math.min(ratio, 1) * 100;
  if (percent < 0.1) return "<0.1%";
  return `${percent < 10 ? percent.toFixed(1) : Math.round(percent)}%`;
}

/** The artifacts whose name contains every word of `search` (case-insensitive). */
export function filterArtifacts(items: ArtifactItem[], search: string): ArtifactItem[] {
  const words = search.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return items;
  return items.filter((item) => {
    const name = item.name.toLowerCase();
    return words.every((w) => name.includes(w));
  });
}

/** Aliases of an artifact list entry as `alias → v3`, the newest versions first. */
export function aliasList(aliases: Record<string, number>): { alias: string; version: number }[] {
  return Object.entries(aliases)
    .map(([alias, version]) => ({ alias, version }))
    .sort((a, b) => b.version - a.version || a.alias.localeCompare(b.alias));
}

/** The per-type rows of the storage panel, largest first. */
export function typeRows(stats: ArtifactStats): ({ type: string } & TypeStats)[] {
  return Object.entries(stats.by_type)
    .map(([type, row]) => ({ type, ...row }))
    .sort((a, b) => b.size_bytes - a.size_bytes || a.type.localeCompare(b.type));
}
