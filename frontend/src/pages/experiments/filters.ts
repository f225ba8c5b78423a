/**
 * The experiments page's state lives in the URL (shareable, survives a reload). The URL uses the
 * API's own parameter names; dates are kept as `YYYY-MM-DD` (local days) in the URL and sent as
 * Unix times covering whole days.
 */
import type { BuiltinSortField, ExperimentQuery, SortField } from "../../api/types";
import { type GroupBy, isSortable, parseColumn, readColumns, readGroupBy } from "./columns";

export const STATUSES = ["running", "finished", "failed", "interrupted"] as const;
export const PER_PAGE_CHOICES = ["25", "50", "100", "200"];
const SORT_FIELDS: readonly BuiltinSortField[] = ["created_at", "updated_at", "best_metric_value", "status"];

function readSort(raw: string | null): SortField {
  if (SORT_FIELDS.includes(raw as BuiltinSortField)) return raw as SortField;
  if (raw && parseColumn(raw) && isSortable(raw)) return raw as SortField;
  return "created_at";
}

export interface ExperimentFilters {
  project: string;
  name: string;
  status: string[];
  tags: string[];
  search: string;
  q: string;
  createdFrom: string;
  createdTo: string;
  bestMin: string;
  bestMax: string;
  page: number;
  perPage: number;
  orderBy: SortField;
  orderDesc: boolean;
  /** Custom columns, in the order shown. */
  columns: string[];
  groupBy: GroupBy;
}

export const DEFAULT_FILTERS: ExperimentFilters = {
  project: "",
  name: "",
  status: [],
  tags: [],
  search: "",
  q: "",
  createdFrom: "",
  createdTo: "",
  bestMin: "",
  bestMax: "",
  page: 1,
  perPage: 50,
  orderBy: "created_at",
  orderDesc: true,
  columns: [],
  groupBy: "",
};

const list = (raw: string | null) =>
  (raw ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);

function positiveInt(raw: string | null, fallback: number): number {
  const n = Number(raw);
  return Number.isInteger(n) && n >= 1 ? n : fallback;
}

export function readFilters(params: URLSearchParams): ExperimentFilters {
  const orderBy = params.get("order_by");
  return {
    project: params.get("project") ?? "",
    name: params.get("name") ?? "",
    status: list(params.get("status")).filter((s) => (STATUSES as readonly string[]).includes(s)),
    tags: list(params.get("tags")),
    search: params.get("search") ?? "",
    q: params.get("q") ?? "",
    createdFrom: params.get("created_after") ?? "",
    createdTo: params.get("created_before") ?? "",
    bestMin: params.get("best_metric_min") ?? "",
    bestMax: params.get("best_metric_max") ?? "",
    page: positiveInt(params.get("page"), 1),
    perPage: Math.min(1000, positiveInt(params.get("per_page"), DEFAULT_FILTERS.perPage)),
    orderBy: readSort(orderBy),
    orderDesc: params.get("order_desc") !== "false",
    columns: readColumns(params.get("cols")),
    groupBy: readGroupBy(params.get("group")),
  };
}

/** The URL parameters for `filters`, leaving out defaults so links stay short. */
export function writeFilters(filters: ExperimentFilters): URLSearchParams {
  const params = new URLSearchParams();
  const set = (key: string, value: string) => {
    if (value) params.set(key, value);
  };
  set("project", filters.project);
  set("name", filters.name);
  set("status", filters.status.join(","));
  set("tags", filters.tags.join(","));
  set("search", filters.search);
  set("q", filters.q);
  set("created_after", filters.createdFrom);
  set("created_before", filters.createdTo);
  set("best_metric_min", filters.bestMin);
  set("best_metric_max", filters.bestMax);
  if (filters.page !== 1) params.set("page", String(filters.page));
  if (filters.perPage !== DEFAULT_FILTERS.perPage) params.set("per_page", String(filters.perPage));
  if (filters.orderBy !== "created_at") params.set("order_by", filters.orderBy);
  if (!filters.orderDesc) params.set("order_desc", "false");
  set("cols", filters.columns.join(","));
  set("group", filters.groupBy);
  return params;
}

/** Unix seconds of local midnight of a `YYYY-MM-DD` day (plus `days`); undefined if not a date. */
export function dayStart(day: string, days = 0): number | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!match) return undefined;
  const date = new Date(Number(match[1]), Number(match[2]) - 1, Number(match[3]) + days);
  return Number.isNaN(date.getTime()) ? undefined : date.getTime() / 1000;
}

function numberOrUndefined(raw: string): number | undefined {
  if (raw.trim() === "") return undefined;
  const n = Number(raw);
  return Number.isFinite(n) ? n : undefined;
}

export function toQuery(filters: ExperimentFilters): ExperimentQuery {
  const before = dayStart(filters.createdTo, 1);
  return {
    project: filters.project || undefined,
    name: filters.name || undefined,
    status: filters.status,
    tags: filters.tags,
    search: filters.search || undefined,
    q: filters.q || undefined,
    created_after: dayStart(filters.createdFrom),
    // "to 2025-01-31" includes that whole day (the API's bound is inclusive).
    created_before: before === undefined ? undefined : before - 0.001,
    best_metric_min: numberOrUndefined(filters.bestMin),
    best_metric_max: numberOrUndefined(filters.bestMax),
    page: filters.page,
    per_page: filters.perPage,
    order_by: filters.orderBy,
    order_desc: filters.orderDesc,
    columns: filters.columns,
  };
}

/** True when anything narrows the list (the reset button shows then). */
export function isFiltered(filters: ExperimentFilters): boolean {
  const keys: (keyof ExperimentFilters)[] = [
    "project", "name", "search", "q", "createdFrom", "createdTo", "bestMin", "bestMax",
  ];
  return keys.some((k) => filters[k] !== "") || filters.status.length > 0 || filters.tags.length > 0;
}
