/** Shapes of the viewer's JSON answers, as the Django views build them. */

export type RunStatus = "running" | "finished" | "failed" | "interrupted";

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/** One run in `GET /api/v2/experiments`. */
export interface Experiment {
  id: string;
  project: string;
  name: string;
  status: RunStatus | string;
  exit_reason: string | null;
  created_at: number | null;
  updated_at: number | null;
  started_at: number | null;
  ended_at: number | null;
  duration: number | null;
  pid: number | null;
  hostname: string | null;
  best_metric_value: number | null;
  best_metric_name: string | null;
  best_metric_step: number | null;
  best_metric_mode: string | null;
  tags: string[];
  description: string | null;
  deleted: boolean;
  artifacts_created_count: number;
  artifacts_used_count: number;
  run_dir: string;
  /** Values of the custom columns asked for with `columns=` (summary.*, config.*, metric.*). */
  columns?: Record<string, JsonValue>;
}

export interface ExperimentPage {
  experiments: Experiment[];
  total: number;
  page: number;
  per_page: number;
  has_next: boolean;
  has_prev: boolean;
  query_time_ms: number;
}

export type BuiltinSortField = "created_at" | "updated_at" | "best_metric_value" | "status";
/** A built-in sort key, or a custom `summary.<key>` / `config.<key>` column (sorted by the server). */
export type SortField = BuiltinSortField | `summary.${string}` | `config.${string}`;

/** Query parameters of `GET /api/v2/experiments` (all optional). */
export interface ExperimentQuery {
  project?: string;
  name?: string;
  status?: string[];
  tags?: string[];
  search?: string;
  q?: string;
  created_after?: number;
  created_before?: number;
  best_metric_min?: number;
  best_metric_max?: number;
  page?: number;
  per_page?: number;
  order_by?: SortField;
  order_desc?: boolean;
  columns?: string[];
}

/** `GET /api/v2/experiments/columns`: keys that can be custom columns. */
export interface ColumnKeys {
  summary: string[];
  config: string[];
}

/** `GET /api/config/column-widths` (the reference's UI preferences). */
export interface ColumnWidths {
  table: string;
  size: string;
  widths: Record<string, number>;
}

/** `GET /api/runs/{id}` (V1, with the additive fields). */
export interface RunDetail {
  id: string;
  status: RunStatus | string;
  pid: number | null;
  run_dir: string;
  project: string;
  name: string;
  created_time: number | null;
  started_at: number | null;
  ended_at: number | null;
  exit_reason: string | null;
  hostname: string | null;
  best_metric_value: number | null;
  best_metric_name: string | null;
  best_metric_step: number | null;
  best_metric_mode: string | null;
  summary: JsonObject | null;
  config: JsonObject | null;
  tags: string[] | null;
  description: string | null;
  artifacts_created_count: number;
  artifacts_used_count: number;
}

/** A row of the metrics endpoints: `global_step`, maybe `time`, metric values, strings such as `stage`. */
export type MetricRow = Record<string, number | string | null | undefined>;

export interface MetricsTable {
  columns: string[];
  rows: MetricRow[];
}

export interface FastMetrics extends MetricsTable {
  total_points: number;
  query_time_ms: number;
}

export interface DeletedRun {
  id: string;
  project: string;
  name: string;
  created_time: number | null;
  deleted_at: number | null;
  delete_reason: string;
  original_status: string;
  run_dir: string;
}

export interface BatchResult {
  results: Record<string, { success: boolean; error?: string }>;
  message: string;
}

export interface ImageEvent {
  key: string;
  path: string;
  step: number | null;
  caption: string | null;
  ts: number | null;
}

export interface ArtifactSummary {
  name: string;
  type: string;
  version: number;
  size_bytes: number;
  created_at: number;
  description: string | null;
  aliases: string[];
  lifecycle_stage: string | null;
}

export interface RunArtifacts {
  created: ArtifactSummary[];
  used: ArtifactSummary[];
}

export type EnvironmentAnswer =
  | { available: true; environment: JsonObject }
  | { available: false; reason?: string };

/** Frames of `WS /api/runs/{id}/metrics/ws`. */
export type MetricsMessage =
  | { type: "hello"; last_step: number | null; total: number; columns: string[] }
  | { type: "rows"; rows: MetricRow[]; columns: string[]; last_step: number | null }
  | { type: "reset"; last_step: number | null; total: number; columns: string[] }
  | { type: "error"; detail: string }
  | { type: "info"; detail: string };

export type WorkspacePage = "run" | "compare";

/** `GET/PUT/DELETE /api/workspaces/{page}?project=`: layout null until saved. */
export interface WorkspaceAnswer {
  page: WorkspacePage;
  project: string;
  layout: JsonObject | null;
  updated_at: number | null;
}

/** One metric's figures in the V2 detail's `metrics_summary.metric_stats`. */
export interface MetricStats {
  last: number;
  min: number;
  max: number;
  count: number;
}

/** `GET /api/v2/experiments/{id}` (the parts the run page reads). */
export interface ExperimentDetail {
  metrics_summary: { total_data_points: number; available_metrics: string[]; metric_stats?: Record<string, MetricStats> };
}
