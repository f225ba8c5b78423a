"""Descriptions of the other apps' endpoints, by (method, OpenAPI path). See ``apps.system.openapi``.

Shapes list the fields clients rely on; answers may carry more (they grow additively). An app that
documents a view itself with ``@extend_schema`` makes its entry here unused.
"""

from __future__ import annotations

from typing import Any

from runicorn.artifacts.paths import ARTIFACT_TYPES, MAX_NAME_LENGTH

from apps.archives.api_docs import DOCS as _ARCHIVES
from apps.histograms.api_docs import DOCS as _HISTOGRAMS
from apps.metrics import services as metric_limits

from .openapi import ANY, BOOL, ERROR, FREE_OBJECT, INT, NUM, RUN_ID, STR, Doc, Resp, arr, error, mapping, obj, query
from .openapi import nullable as n

EXAMPLE_ID = "20250114_153045_a1b2c3"
NOT_FOUND_RUN = error("No such run (or the id is malformed)", "Run not found")

# ---------------------------------------------------------------------------- runs (V1)

RUN_ITEM = obj(
    ("id", "project", "name", "status"),
    id=STR, run_dir=STR, created_time=n(NUM), status=STR, pid=n(INT), best_metric_value=n(NUM),
    best_metric_name=n(STR), project=STR, name=STR, artifacts_created_count=INT, artifacts_used_count=INT,
)
RUN_ITEM_EXAMPLE = {
    "id": EXAMPLE_ID, "run_dir": f"/data/runicorn/vision/resnet50/runs/{EXAMPLE_ID}", "created_time": 1736840000.0,
    "status": "finished", "pid": 4242, "best_metric_value": 0.9412, "best_metric_name": "val_acc",
    "project": "vision", "name": "resnet50", "artifacts_created_count": 1, "artifacts_used_count": 0,
}
RUN_DETAIL = obj(
    ("id", "status", "project", "name"),
    id=STR, status=STR, pid=n(INT), run_dir=STR, project=STR, name=STR, logs=STR, metrics=STR, metrics_step=STR,
    artifacts_created_count=INT, artifacts_used_count=INT, created_time=n(NUM), started_at=n(NUM),
    ended_at=n(NUM), exit_reason=n(STR), hostname=n(STR), best_metric_value=n(NUM), best_metric_name=n(STR),
    best_metric_step=n(INT), best_metric_mode=n(STR), summary=FREE_OBJECT, config=FREE_OBJECT, tags=arr(ANY),
    description=n(STR), owner=n(STR),
)
PER_RUN_RESULTS = mapping(obj(("success",), success=BOOL, error=STR))
RUN_IDS_BODY = obj(("run_ids",), run_ids={**arr(RUN_ID), "minItems": 1, "maxItems": 100})
RUNS = ("runs",)

_RUNS: dict[tuple[str, str], Doc] = {
    ("GET", "/api/runs"): Doc(
        "List runs (not deleted) in the reference's order", tags=RUNS,
        description=("By project, then name (both case-insensitive), then newest first. Answered from the index. "
                     "Carries an ETag; send it back in If-None-Match for a 304."),
        responses={200: Resp("The runs", arr(RUN_ITEM), [RUN_ITEM_EXAMPLE]), 304: Resp("Unchanged since the ETag")},
    ),
    ("GET", "/api/runs/{run_id}"): Doc(
        "One run", tags=RUNS, path_parameters={"run_id": RUN_ID},
        responses={200: Resp("The run", RUN_DETAIL), 404: NOT_FOUND_RUN},
    ),
    ("POST", "/api/runs/soft-delete"): Doc(
        "Move runs to the recycle bin", tags=RUNS, body=RUN_IDS_BODY, body_example={"run_ids": [EXAMPLE_ID]},
        responses={
            200: Resp("What happened to each run", obj(("deleted_count", "results"), deleted_count=INT,
                                                        results=PER_RUN_RESULTS, message=STR),
                      {"deleted_count": 1, "results": {EXAMPLE_ID: {"success": True}},
                       "message": "Soft deleted 1 of 1 runs"}),
            400: error("Missing, malformed or more than 100 run ids", "Cannot delete more than 100 runs at once"),
        },
    ),
    ("GET", "/api/recycle-bin"): Doc(
        "Runs in the recycle bin", tags=RUNS,
        responses={200: Resp("Deleted runs, most recently deleted first", obj(("deleted_runs",), deleted_runs=arr(obj(
            ("id",), id=STR, project=STR, name=STR, created_time=n(NUM), deleted_at=n(NUM), delete_reason=STR,
            original_status=STR, run_dir=STR))))},
    ),
    ("POST", "/api/recycle-bin/restore"): Doc(
        "Restore runs from the recycle bin", tags=RUNS, body=RUN_IDS_BODY, body_example={"run_ids": [EXAMPLE_ID]},
        responses={
            200: Resp("What happened to each run", obj(("restored_count", "results"), restored_count=INT,
                                                        results=PER_RUN_RESULTS, message=STR)),
            400: error("Missing, malformed or more than 100 run ids", f"Invalid run_id format: {EXAMPLE_ID}x"),
        },
    ),
    ("POST", "/api/recycle-bin/empty"): Doc(
        "Delete every run in the recycle bin for good", tags=RUNS,
        body=obj(("confirm",), confirm={"type": "boolean", "enum": [True]}), body_example={"confirm": True},
        responses={
            200: Resp("How many runs were removed", obj(("permanently_deleted",), permanently_deleted=INT, message=STR),
                      {"permanently_deleted": 3, "message": "Permanently deleted 3 runs"}),
            400: error("confirm is not true", "Must set confirm=true to permanently delete"),
        },
    ),
    ("POST", "/api/status/check"): Doc(
        "Check the processes of running runs now; dead ones become failed", tags=RUNS, body_required=False,
        description="The watcher does this on its own every few seconds; this is the reference's manual button.",
        responses={200: Resp("How many running runs were checked and changed", obj(
            ("checked", "updated"), checked=INT, updated=INT, message=STR),
            {"checked": 2, "updated": 1, "message": "Checked 2 running experiments, updated 1 statuses"})},
    ),
    ("GET", "/api/projects"): Doc(
        "Projects that have runs", tags=("projects",),
        responses={200: Resp("Project names", obj(("projects",), projects=arr(STR)), {"projects": ["vision"]})},
    ),
    ("GET", "/api/projects/{project}/names"): Doc(
        "Experiment names of a project", tags=("projects",),
        responses={200: Resp("Names", obj(("names",), names=arr(STR)), {"names": ["resnet50"]}),
                   400: error("The project is not a valid name", "Invalid project: must not contain '..'")},
    ),
    ("GET", "/api/projects/{project}/names/{name}/runs"): Doc(
        "Runs of one experiment", tags=("projects",),
        responses={200: Resp("The runs", arr(RUN_ITEM)),
                   400: error("The project or name is not a valid name", "Invalid name: must not contain '/'")},
    ),
}

# ---------------------------------------------------------------------------- experiments (V2)

EXPERIMENT = obj(
    ("id", "project", "name", "status"),
    id=STR, project=STR, name=STR, status=STR, exit_reason=n(STR), created_time=n(NUM), created_at=n(NUM),
    updated_at=n(NUM), started_at=n(NUM), ended_at=n(NUM), duration=n(NUM), pid=n(INT), hostname=n(STR),
    best_metric_value=n(NUM), best_metric_name=n(STR), best_metric_step=n(INT), best_metric_mode=n(STR),
    tags=arr(ANY), description=n(STR), deleted=BOOL, artifacts_created_count=INT, artifacts_used_count=INT,
    imported_from=n(STR), run_dir=STR, logs=STR, metrics=STR, metrics_step=STR,
)
PARAM_ERROR = obj(("detail",), detail=STR, param=STR, position=INT, expected=STR)
EXPERIMENTS = ("experiments",)

_EXPERIMENTS: dict[tuple[str, str], Doc] = {
    ("GET", "/api/v2/experiments"): Doc(
        "List experiments with filters, a query language, sorting and paging", tags=EXPERIMENTS,
        parameters=(
            query("project", STR, "Exact project"),
            query("name", STR, "Exact experiment name"),
            query("status", STR, "Comma list of running, finished, failed, interrupted"),
            query("tags", STR, "Comma list; every tag must be on the run"),
            query("search", STR, "Words that must each start a word of project, name, description or a tag"),
            query("created_after", STR, "Unix time or ISO 8601, inclusive"),
            query("created_before", STR, "Unix time or ISO 8601, inclusive"),
            query("best_metric_min", NUM, "Inclusive"),
            query("best_metric_max", NUM, "Inclusive"),
            query("include_deleted", BOOL, "Also runs in the recycle bin (default false)"),
            query("q", STR, 'Query language, e.g. project = "vision" and summary.accuracy > 0.9'),
            query("page", {"type": "integer", "minimum": 1}, "From 1"),
            query("per_page", {"type": "integer", "minimum": 1, "maximum": 1000}, "1-1000, default 50"),
            query("order_by", STR, "Sort key: created_at, updated_at, best_metric_value, status, or a custom column "
                  "summary.<key> / config.<key> (numbers first, then strings, runs without a value last)"),
            query("order_desc", BOOL, "Descending (default true)"),
            query("columns", STR, "Comma list of custom columns (summary.<key>, config.<key>, metric.<name> for a "
                  "metric's last value), at most 50; each experiment then carries their values in `columns`"),
        ),
        responses={
            200: Resp("One page of experiments", obj(
                ("experiments", "total", "page", "per_page"), experiments=arr(EXPERIMENT), total=INT, page=INT,
                per_page=INT, has_next=BOOL, has_prev=BOOL, query_time_ms=NUM)),
            400: Resp("A parameter is invalid; for q, where and what was expected", PARAM_ERROR,
                      {"detail": "q: unexpected end of query", "param": "q", "position": 14,
                       "expected": "a value"}),
        },
    ),
    ("GET", "/api/v2/experiments/columns"): Doc(
        "The summary and config keys that can be custom columns", tags=EXPERIMENTS,
        parameters=(query("project", STR, "Only keys of this project's runs"),
                    query("prefix", STR, "Only keys starting with this")),
        responses={
            200: Resp("Sorted keys of the live runs, at most 500 per root", obj(
                ("summary", "config"), summary=arr(STR), config=arr(STR)),
                {"summary": ["accuracy", "val/loss"], "config": ["batch_size", "lr", "optimizer.name"]}),
            400: Resp("A parameter is invalid", PARAM_ERROR, {"detail": "prefix: longer than 200 characters",
                                                                "param": "prefix"}),
        },
    ),
    ("GET", "/api/v2/experiments/{exp_id}"): Doc(
        "One experiment, with summary and config", tags=EXPERIMENTS,
        responses={200: Resp("The experiment, a summary of its metrics, and what its directory holds", obj(
            ("experiment",),
            experiment={"allOf": [EXPERIMENT, obj(
                summary=FREE_OBJECT, config=FREE_OBJECT, python=n(STR), platform=n(STR), deleted_at=n(NUM),
                delete_reason=n(STR), original_status=n(STR))]},
            metrics_summary=obj(
                ("total_data_points", "available_metrics", "step_range"), total_data_points=INT,
                available_metrics=arr(STR), step_range=n(obj(("min", "max"), min=INT, max=INT)),
                metric_stats=mapping(obj(("last", "min", "max", "count"), last=NUM, min=NUM, max=NUM, count=INT))),
            environment_available=BOOL, file_count=INT)),
            404: error("No such experiment", f"Experiment {EXAMPLE_ID} not found")},
    ),
    ("POST", "/api/v2/experiments/batch-delete"): Doc(
        "Move experiments to the recycle bin", tags=EXPERIMENTS,
        body=obj(("exp_ids",), exp_ids={**arr(STR), "minItems": 1}, reason=STR),
        body_example={"exp_ids": [EXAMPLE_ID], "reason": "superseded"},
        responses={
            200: Resp("What happened to each experiment", obj(
                ("deleted", "failed", "results"), deleted=INT, failed=INT, results=PER_RUN_RESULTS,
                deleted_count=INT, message=STR)),
            400: error("Missing or malformed ids or reason", "exp_ids is required"),
        },
    ),
    ("GET", "/api/v2/analytics/summary"): Doc(
        "Counts by status and project, runs per day, best metric per project", tags=EXPERIMENTS,
        parameters=(query("days", {"type": "integer", "minimum": 1}, "Days of runs per day (default 30)"),),
        responses={
            200: Resp("The summary", obj(
                ("total",), total=INT, by_status=mapping(INT), by_project=ANY, runs_per_day=ANY,
                best_by_project=ANY, days=INT, generated_at=NUM, query_time_ms=NUM)),
            400: Resp("days is not a whole number in range", PARAM_ERROR),
        },
    ),
}

# ---------------------------------------------------------------------------- metrics (plain Django views)

METRIC_ROWS = obj(("columns", "rows"), columns=arr(STR), rows=arr(FREE_OBJECT), total=INT, sampled=INT)
def _downsample(minimum: int) -> Any:
    # The bounds come from the code that enforces them, so the schema cannot drift from it.
    return query("downsample", {"type": "integer", "minimum": minimum, "maximum": metric_limits.DOWNSAMPLE_MAX},
                 "Reduce to about this many points per metric (LTTB); omit for every row")


DOWNSAMPLE = _downsample(metric_limits.DOWNSAMPLE_MIN)
METRICS = ("metrics",)
BAD_QUERY = error(
    "A query parameter is invalid",
    f"downsample must be an integer between {metric_limits.DOWNSAMPLE_MIN} and {metric_limits.DOWNSAMPLE_MAX}, "
    "got '5'",
)


def _metrics(by: str) -> Doc:
    return Doc(
        f"Metric rows of a run by {by}", tags=METRICS, parameters=(DOWNSAMPLE,), path_parameters={"run_id": RUN_ID},
        description="Headers: X-Row-Count, X-Total-Count, X-Last-Step, X-Skipped-Lines, and an ETag: send it back in "
        "If-None-Match for a 304 while the run's metrics have not changed.",
        responses={200: Resp("Columns and rows", METRIC_ROWS, {
            "columns": ["global_step", "loss"], "rows": [{"global_step": 1, "loss": 0.5}], "total": 1, "sampled": 1}),
            304: Resp("Unchanged since the ETag"), 400: BAD_QUERY, 404: NOT_FOUND_RUN},
    )


_METRICS: dict[tuple[str, str], Doc] = {
    ("GET", "/api/runs/{run_id}/metrics"): _metrics("time"),
    ("GET", "/api/runs/{run_id}/metrics_step"): _metrics("step"),
    ("GET", "/api/metrics/cache/stats"): Doc(
        "State of the metrics cache", tags=METRICS,
        responses={200: Resp("Counters", obj(("size",), size=INT, max_size=INT, hits=INT, misses=INT,
                                              incremental_updates=INT, hit_rate=NUM, incremental_rate=NUM,
                                              bytes=INT, max_bytes=INT, store_loads=INT))},
    ),
    ("GET", "/api/v2/experiments/{exp_id}/metrics/fast"): Doc(
        "Selected metrics of an experiment, in a step range, optionally downsampled", tags=METRICS,
        parameters=(
            query("metric_names", STR, "Comma list of metric names (default: all)"),
            query("step_range", STR, "min:max (inclusive; either side may be empty, e.g. 100: or :500)"),
            _downsample(metric_limits.FAST_DOWNSAMPLE_MIN),
        ),
        responses={
            200: Resp("Columns and rows", obj(("columns", "rows"), columns=arr(STR), rows=arr(FREE_OBJECT),
                                              total_points=INT, query_time_ms=NUM, applied_filters=FREE_OBJECT)),
            400: BAD_QUERY,
            404: error("No such experiment", f"Experiment {EXAMPLE_ID} not found"),
        },
    ),
}

# ---------------------------------------------------------------------------- artifacts

ARTIFACTS = ("artifacts",)
TYPE_FILTER = query("type", {"type": "string", "enum": ["", *ARTIFACT_TYPES]},
                    "Artifact type; needed when a name exists in several types (empty: any type)")
ARTIFACT_MISSING = error("No such artifact or version", "Artifact not found: resnet50")
BAD_NAME = error("Malformed name, version or type", "Invalid version: 'x' (expected a positive integer, as in /v3)")
ARTIFACT_NAME = {"type": "string", "pattern": rf'^[^/\\:*?"<>|\x00]{{1,{MAX_NAME_LENGTH}}}$'}
NAME_PATH = {"name": ARTIFACT_NAME}
# What the server takes: 1 and up, at most 12 digits (leading zeros allowed, as in v007); not v0.
VERSION_PATH = {**NAME_PATH, "version": {"type": "string", "pattern": "^(?=[0-9]{1,12}$)0*[1-9][0-9]*$"}}

TRAINING_METRICS = obj(
    ("run_id", "run_name", "project", "metrics", "created_at", "status"),
    run_id=STR, run_name=STR, project=STR, metrics=FREE_OBJECT, created_at=NUM, duration_seconds=n(NUM), status=STR,
)
TRAINING_EXAMPLE = {"run_id": EXAMPLE_ID, "run_name": "resnet50", "project": "vision",
                    "metrics": {"val_acc": 0.9412, "best_metric_name": "val_acc", "best_metric_value": 0.9412},
                    "created_at": 1736840000.0, "duration_seconds": 3605.2, "status": "finished"}

_ARTIFACTS: dict[tuple[str, str], Doc] = {
    ("GET", "/api/artifacts"): Doc(
        "Artifacts, most recently updated first", tags=ARTIFACTS, parameters=(TYPE_FILTER,),
        responses={200: Resp("Artifacts", arr(obj(
            ("name", "type"), name=STR, type=STR, num_versions=INT, latest_version=INT, size_bytes=INT,
            created_at=NUM, updated_at=NUM, aliases=mapping(INT)))), 400: BAD_NAME},
    ),
    ("GET", "/api/artifacts/stats"): Doc(
        "Storage statistics of all artifacts (dedup savings, sizes by type)", tags=ARTIFACTS,
        responses={200: Resp("Statistics (a snapshot refreshed in the background)", FREE_OBJECT)},
    ),
    ("GET", "/api/artifacts/{name}/versions"): Doc(
        "Versions of an artifact", tags=ARTIFACTS, parameters=(TYPE_FILTER,), path_parameters=NAME_PATH,
        responses={200: Resp("Versions", arr(obj(("version",), version=INT, created_at=NUM, created_by_run=n(STR),
                                                   size_bytes=INT, num_files=INT, status=STR, aliases=arr(STR)))),
                   400: BAD_NAME, 404: ARTIFACT_MISSING},
    ),
    ("GET", "/api/artifacts/{name}/v{version}"): Doc(
        "One version: metadata, aliases, lineage parents", tags=ARTIFACTS, parameters=(TYPE_FILTER,),
        path_parameters=VERSION_PATH,
        responses={200: Resp("The version", obj(("name", "type", "version"), name=STR, type=STR, version=INT,
                                                metadata=FREE_OBJECT, description=STR, tags=arr(ANY),
                                                aliases=arr(STR), status=STR, parent_artifacts=arr(ANY),
                                                size_bytes=INT, num_files=INT, num_references=INT)),
                   400: BAD_NAME, 404: ARTIFACT_MISSING},
    ),
    ("DELETE", "/api/artifacts/{name}/v{version}"): Doc(
        "Delete a version (soft by default)", tags=ARTIFACTS, path_parameters=VERSION_PATH,
        parameters=(TYPE_FILTER, query("permanent", BOOL, "Remove the files too (default false)")),
        responses={200: Resp("Done", obj(("success",), success=BOOL, message=STR)), 400: BAD_NAME,
                   404: ARTIFACT_MISSING,
                   409: error("The version is used by a run or another artifact", "Version in use")},
    ),
    ("POST", "/api/artifacts/{name}/v{version}/restore"): Doc(
        "Restore a soft-deleted version", tags=ARTIFACTS, path_parameters=VERSION_PATH, parameters=(TYPE_FILTER,),
        description="Undoes a soft delete: the version is listed again and its files resolve; `latest` moves back "
                    "to it when it is the newest live version. A permanently deleted version cannot come back.",
        responses={200: Resp("Restored", obj(("success", "message"), success=BOOL, message=STR),
                             {"success": True, "message": "Restored resnet50:v3"}),
                   400: BAD_NAME, 404: ARTIFACT_MISSING,
                   409: error("The version is not deleted", "resnet50:v3 is not deleted; there is nothing to restore")},
    ),
    ("GET", "/api/artifacts/{name}/v{version}/files"): Doc(
        "Files of a version (its manifest)", tags=ARTIFACTS, parameters=(TYPE_FILTER,), path_parameters=VERSION_PATH,
        responses={200: Resp("Files and references", obj(("files",), artifact=STR, files=arr(FREE_OBJECT),
                                                         references=arr(ANY), total_size=INT, total_files=INT,
                                                         total_references=INT, is_remote=BOOL)),
                   400: BAD_NAME, 404: ARTIFACT_MISSING},
    ),
    ("GET", "/api/artifacts/{name}/v{version}/files/{path}"): Doc(
        "Download one file of a version", tags=ARTIFACTS, parameters=(TYPE_FILTER,), path_parameters=VERSION_PATH,
        responses={200: Resp("The file's bytes (ETag: its digest)", {"type": "string", "format": "binary"},
                             media_type="application/octet-stream"),
                   304: Resp("Unchanged since the ETag"), 400: BAD_NAME, 404: ARTIFACT_MISSING},
    ),
    ("GET", "/api/artifacts/{name}/v{version}/lineage"): Doc(
        "Lineage graph around a version (runs and artifacts, both directions)", tags=ARTIFACTS,
        parameters=(TYPE_FILTER, query("max_depth", {"type": "integer", "minimum": 0}, "Hops to follow (default 3)")),
        path_parameters=VERSION_PATH,
        responses={200: Resp("Nodes and edges", obj(("nodes", "edges"), root_artifact=STR, nodes=arr(FREE_OBJECT),
                                                    edges=arr(FREE_OBJECT))),
                   400: BAD_NAME, 404: ARTIFACT_MISSING},
    ),
    ("GET", "/api/artifacts/{name}/training-metrics"): Doc(
        "What the run that created a version reached (its summary), for the artifact page", tags=ARTIFACTS,
        description=("The newest live version unless version is given. null when no indexed run created the "
                     "version. duration_seconds is ended_at - started_at of the run (null while it runs)."),
        parameters=(TYPE_FILTER, query("version", {"type": "integer", "minimum": 1}, "Version (default: newest)")),
        path_parameters=NAME_PATH,
        responses={200: Resp("The creating run, or null", n(TRAINING_METRICS), TRAINING_EXAMPLE),
                   400: BAD_NAME, 404: ARTIFACT_MISSING},
    ),
    ("GET", "/api/artifacts/{name}/performance-history"): Doc(
        "The numeric summary metrics of the run behind every live version, oldest version first", tags=ARTIFACTS,
        parameters=(TYPE_FILTER, query("metric_name", {"type": "string", "maxLength": 255}, "Only this metric")),
        path_parameters=NAME_PATH,
        responses={200: Resp("One entry per version whose creating run is indexed", arr(obj(
            ("version", "run_id", "status", "metrics"), version=INT, created_at=NUM, run_id=STR, status=STR,
            metrics=mapping(NUM))), [{"version": 1, "created_at": 1736840000.0, "run_id": EXAMPLE_ID,
                                      "status": "finished", "metrics": {"val_acc": 0.9412}}]),
                   400: BAD_NAME, 404: ARTIFACT_MISSING},
    ),
    ("GET", "/api/runs/{run_id}/artifacts"): Doc(
        "Artifacts a run created and used", tags=ARTIFACTS,
        responses={200: Resp("Both lists", obj(("created", "used"), created=arr(FREE_OBJECT), used=arr(FREE_OBJECT))),
                   404: error("No such run", f"Run not found: {EXAMPLE_ID}")},
    ),
}

# ---------------------------------------------------------------------------- manifests

TASK: dict[str, Any] = obj(("task_id", "state"), task_id=STR, state=STR)

_MANIFESTS: dict[tuple[str, str], Doc] = {
    ("POST", "/api/manifest/generate"): Doc(
        "Queue a sync manifest of the storage root", tags=("manifest",), body_required=False,
        body=obj(type={"type": "string", "enum": ["full", "active"]}), body_example={"type": "full"},
        responses={
            202: Resp("Queued; poll status_url", obj(("task_id", "state"), task_id=STR, state=STR, manifest_type=STR,
                                                      status_url=STR)),
            400: error("Unknown manifest type", "type must be 'full' or 'active'"),
            503: Resp("The task queue cannot be reached", ERROR),
        },
    ),
    ("GET", "/api/manifest/tasks/{task_id}"): Doc(
        "State of a manifest task", tags=("manifest",), path_parameters={"task_id": {"type": "string",
                                                                                     "format": "uuid"}},
        responses={200: Resp("The task", TASK), 400: error("Not a UUID", "Invalid task id format: 'x'"),
                   404: error("No such task", "Task not found: 3f2c...")},
    ),
}

# ---------------------------------------------------------------------------- web UI helpers (plain Django views)

_WEB: dict[tuple[str, str], Doc] = {
    ("GET", "/api/runs/{run_id}/images"): Doc(
        "Images a run logged, in the order it logged them", tags=RUNS, path_parameters={"run_id": RUN_ID},
        responses={200: Resp("The image events", obj(("images",), images=arr(obj(
            ("key", "path"), key=STR, path=STR, step=n(INT), caption=n(STR), ts=n(NUM)))),
            {"images": [{"key": "samples", "path": "media/samples_3.png", "step": 3, "caption": None,
                         "ts": 1736840003.0}]}),
            404: NOT_FOUND_RUN},
    ),
    ("GET", "/api/runs/{run_id}/media/{path}"): Doc(
        "One file below the run's media/ folder", tags=RUNS, path_parameters={"run_id": RUN_ID},
        description="Images are answered inline; any other file as a download.",
        responses={200: Resp("The file", {"type": "string", "format": "binary"}, media_type="application/octet-stream"),
                   404: error("No such run or file", "Media file not found")},
    ),
}

DOCS: dict[tuple[str, str], Doc] = {**_RUNS, **_EXPERIMENTS, **_METRICS, **_ARTIFACTS, **_MANIFESTS, **_WEB,
                                    **_HISTOGRAMS, **_ARCHIVES}
