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
        index=obj(runs=INT, generation=INT, last_full_scan=n(NUM), watcher_running=BOOL,
                  progress=obj(active=BOOL, scanned=INT, total=INT, written=INT, fraction=NUM, seconds=NUM)),
        cache=obj(enabled=BOOL, type=STR, hit_rate=STR, hits=INT, misses=INT, incremental_updates=INT, size=INT,
                  max_size=INT),
    ), "The viewer answers", [OpenApiExample("while a first index of a big root is built", {
        "status": "ok", "storage": "/data/runicorn", "version": "0.5.3",
        "index": {"runs": 0, "generation": 12, "last_full_scan": None, "watcher_running": True,
                  "progress": {"active": True, "scanned": 42000, "total": 100000, "written": 42000,
                               "fraction": 0.42, "seconds": 11.5}},
        "cache": {"enabled": True, "type": "incremental", "hit_rate": "0.0%", "hits": 0, "misses": 0,
                  "incremental_updates": 0, "size": 0, "max_size": 100},
    })])},
)

HOST_EXAMPLE = {
    "available": True, "ts": 1736840000.5,
    "cpu": {"percent": 37.5, "count": 8, "logical_count": 16, "per_core": [40.0, 35.0],
            "frequency": {"current": 3200.0, "min": 800.0, "max": 4500.0}, "load_avg": [2.1, 1.8, 1.5]},
    "memory": {"total": 68719476736, "available": 34359738368, "used": 30064771072, "percent": 50.0,
               "swap_total": 8589934592, "swap_used": 0, "swap_percent": 0.0},
    "disk": {"path": "/data/runicorn", "total": 1000204886016, "used": 400081954406, "free": 600122931610,
             "percent": 40.0, "io": {"read_bytes": 1234567890, "write_bytes": 987654321, "read_count": 12345,
                                     "write_count": 6789}},
    "platform": {"system": "Linux", "release": "6.8.0", "machine": "x86_64"},
}
system_monitor = extend_schema(
    summary="The viewer's host: CPU (whole and per core), memory and swap, the storage root's disk, load",
    description="The reference's fields. CPU percentages are over the time since the previous request; "
    "disk is the filesystem that holds the storage root. frequency, load_avg and io are null where the "
    "platform does not report them.",
    tags=["system"],
    responses={200: OpenApiResponse(obj(
        ("available", "ts", "cpu", "memory", "disk", "platform"), available=BOOL, ts=NUM,
        cpu=obj(("percent", "per_core"), percent=NUM, count=n(INT), logical_count=n(INT), per_core=arr(NUM),
                frequency=n(obj(current=NUM, min=NUM, max=NUM)), load_avg=n(arr(NUM))),
        memory=obj(("total", "available", "used", "percent"), total=INT, available=INT, used=INT, percent=NUM,
                   swap_total=INT, swap_used=INT, swap_percent=NUM),
        disk=obj(("path", "total", "used", "free", "percent"), path=STR, total=INT, used=INT, free=INT,
                 percent=NUM, io=n(obj(read_bytes=INT, write_bytes=INT, read_count=INT, write_count=INT))),
        platform=obj(system=STR, release=STR, machine=STR),
    ), "A sample of the host", [OpenApiExample("linux", HOST_EXAMPLE)])},
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
