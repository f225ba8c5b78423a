"""OpenAPI entries of the histogram endpoint (merged into ``apps.system.api_docs.DOCS``)."""

from __future__ import annotations

from apps.system.openapi import INT, NUM, RUN_ID, STR, Doc, Resp, arr, error, obj, query
from apps.system.openapi import nullable as n

from .services import DEFAULT_MAX_STEPS, MAX_MAX_STEPS

ENTRY = obj(("step", "edges", "counts"), step=INT, ts=n(NUM), min=n(NUM), max=n(NUM), count=INT, sum=n(NUM),
            edges=arr(NUM), counts=arr(INT))
EXAMPLE = {"run_id": "20250114_153045_a1b2c3", "histograms": [{"key": "weights/fc1", "total_steps": 2, "entries": [
    {"step": 1, "ts": 1736840001.0, "min": -1.0, "max": 1.0, "count": 4, "sum": 0.0, "edges": [-1.0, 0.0, 1.0],
     "counts": [2, 2]},
    {"step": 2, "ts": 1736840002.0, "min": -0.5, "max": 1.5, "count": 4, "sum": 2.0, "edges": [-0.5, 0.5, 1.5],
     "counts": [1, 3]},
]}]}

DOCS = {
    ("GET", "/api/runs/{run_id}/histograms"): Doc(
        "Histograms a run logged (run.log_histogram, SummaryWriter.add_histogram), by key over the steps",
        tags=("runs",), path_parameters={"run_id": RUN_ID},
        parameters=(
            query("key", STR, "Only this histogram key"),
            query("max_steps", {"type": "integer", "minimum": 1, "maximum": MAX_MAX_STEPS},
                  f"Most steps per key, evenly spaced, first and last kept (default {DEFAULT_MAX_STEPS})"),
        ),
        responses={
            200: Resp("Each key's buckets per step (edges has one more entry than counts)", obj(
                ("run_id", "histograms"), run_id=STR,
                histograms=arr(obj(("key", "entries"), key=STR, total_steps=INT, entries=arr(ENTRY)))), EXAMPLE),
            400: error("max_steps out of range", f"max_steps must be an integer between 1 and {MAX_MAX_STEPS}, "
                       "got '0'"),
            404: error("No such run", "Run not found"),
        },
    ),
}
