"""``@extend_schema`` of this app's views: request and answer shapes, examples, errors."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema

from .openapi import BOOL, ERROR, FREE_OBJECT, INT, NUM, RUN_ID, STR, arr, obj
from .openapi import nullable as n

EXAMPLE_ID = "20250114_153045_a1b2c3"
RUN_ID_PARAM = OpenApiParameter("run_id", str, OpenApiParameter.PATH, description="Run id", pattern=RUN_ID["pattern"])
NOT_FOUND = OpenApiResponse(ERROR, "No such run (or the id is malformed)",
                            [OpenApiExample("unknown run", {"detail": "Run not found"})])

health = extend_schema(
    summary="Health of the viewer: storage root, index and metrics cache",
    description=(
        "`status` is `ok`, or `degraded` with `reasons` (e.g. the index database cannot be written). "
        "In the team profile an anonymous caller gets `{\"status\": ...}` only."
    ),
    tags=["system"],
    responses={200: OpenApiResponse(obj(
        ("status",), status={"type": "string", "enum": ["ok", "degraded"]}, reasons=arr(STR),
        storage=STR, version=STR,
        index=obj(runs=INT, generation=INT, last_full_scan=n(NUM), watcher_running=BOOL),
        cache=obj(enabled=BOOL, type=STR, hit_rate=STR, hits=INT, misses=INT, incremental_updates=INT, size=INT,
                  max_size=INT),
    ), "The viewer answers")},
)

GPU = obj(
    ("index", "name"),
    index=INT, name=n(STR), util_gpu=n(NUM), util_mem=n(NUM), mem_total_mib=n(NUM), mem_used_mib=n(NUM),
    mem_used_pct=n(NUM), temp_c=n(NUM), power_w=n(NUM), power_limit_w=n(NUM), clock_sm_mhz=n(NUM),
    clock_mem_mhz=n(NUM), pstate=n(STR), fan_speed_pct=n(NUM),
    error=STR,
    processes=arr(obj(("pid",), pid=INT, used_memory_mib=n(NUM), types=arr(STR), run_id=n(STR))),
)
gpu_telemetry = extend_schema(
    summary="GPU telemetry from NVML, with the processes (and runs) on each GPU",
    description="Without a GPU, driver or NVML library: available=false and the reason in words. "
    "The same samples are pushed once a second on WS /api/gpu/telemetry/ws.",
    tags=["system"],
    responses={200: OpenApiResponse(
        obj(("available",), available=BOOL, ts=NUM, gpus=arr(GPU), reason=STR),
        "A sample, or why there is none",
        [
            OpenApiExample("one GPU", {"available": True, "ts": 1736840000.5, "gpus": [{
                "index": 0, "name": "NVIDIA H100 80GB HBM3", "util_gpu": 87.0, "util_mem": 41.0,
                "mem_total_mib": 81559.0, "mem_used_mib": 20480.0, "mem_used_pct": 25.11, "temp_c": 64.0,
                "power_w": 312.5, "power_limit_w": 700.0, "clock_sm_mhz": 1980.0, "clock_mem_mhz": 2619.0,
                "pstate": "P0", "fan_speed_pct": None,
                "processes": [{"pid": 4242, "used_memory_mib": 20000.0, "types": ["compute"], "run_id": EXAMPLE_ID}],
            }]}),
            OpenApiExample("no GPU", {"available": False, "reason": "NVML: NVML Shared Library Not Found"}),
        ],
    )},
)

export_csv = extend_schema(
    summary="A run's metrics as CSV (streamed)",
    description="Columns step,time,stage, then every metric name sorted; one row per metrics event.",
    tags=["export"],
    parameters=[RUN_ID_PARAM],
    responses={
        (200, "text/csv"): OpenApiResponse(
            {"type": "string"},
            "CSV, as an attachment",
            [OpenApiExample("two events", "step,time,stage,loss\n0,1736840000.0,train,1.0\n1,1736840001.0,val,0.5\n")],
        ),
        404: NOT_FOUND,
    },
)

export_report = extend_schema(
    summary="A Markdown report of a run: status, best metric, final values, summary, config, environment",
    tags=["export"],
    parameters=[
        RUN_ID_PARAM,
        OpenApiParameter("format", str, OpenApiParameter.QUERY, enum=["markdown", "md"],
                         description="Only Markdown is offered (default)"),
    ],
    responses={
        (200, "text/markdown"): OpenApiResponse({"type": "string"}, "Markdown, as an attachment"),
        400: OpenApiResponse(ERROR, "Another format was asked for",
                             [OpenApiExample("pdf", {"detail": "Format must be markdown"})]),
        404: NOT_FOUND,
    },
)

environment = extend_schema(
    summary="The environment a run captured (environment.json)",
    tags=["export"],
    parameters=[RUN_ID_PARAM],
    responses={
        200: OpenApiResponse(
            obj(("available",), available=BOOL, environment=FREE_OBJECT, reason=STR),
            "The environment, or available=false",
            [
                OpenApiExample("captured", {"available": True, "environment": {
                    "python_version": "3.11.7", "git_info": {"commit": "0123abcd", "branch": "main"},
                    "packages": {"torch": "2.9.0"}}}),
                OpenApiExample("not captured", {"available": False}),
            ],
        ),
        404: NOT_FOUND,
    },
)
