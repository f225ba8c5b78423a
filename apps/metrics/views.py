"""Metrics endpoints. Async views: the index lookup goes through the async ORM, and the parsing,
downsampling and serialising run in a small thread pool, so a cold million-row parse never
blocks daphne's event loop (and two runs can be parsed at once)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

from asgiref.sync import sync_to_async
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified

from apps.common.http import read_only
from apps.runs.responses import json_response

from . import services
from .services import InvalidQuery

T = TypeVar("T")
_executor = ThreadPoolExecutor(max_workers=4, thread_name_prefix="metrics")
# Previews have their own threads: they must not queue behind requests that parse, or wait for a
# parse, of a large run.
_preview_executor = ThreadPoolExecutor(max_workers=2, thread_name_prefix="metrics-preview")


async def _off_loop(fn: Callable[..., T], *args: Any, executor: ThreadPoolExecutor = _executor) -> T:
    return await asyncio.get_running_loop().run_in_executor(executor, fn, *args)


def _detail(status: int, detail: str) -> HttpResponse:
    return json_response({"detail": detail}, status=status)


_events_path = sync_to_async(services.events_path)


async def _metrics(request: HttpRequest, run_id: str, by: str) -> HttpResponse:
    try:
        downsample = services.parse_downsample(request.GET.get("downsample"))
    except InvalidQuery as exc:
        return _detail(400, str(exc))
    path: Path | None = await _events_path(run_id)
    if path is None:
        return _detail(404, "Run not found")
    answer = await _off_loop(services.metrics_answer, path, by, downsample)
    if request.headers.get("If-None-Match") == answer.headers["ETag"]:
        not_modified: HttpResponse = HttpResponseNotModified()
        not_modified["ETag"] = answer.headers["ETag"]
        return not_modified
    response = HttpResponse(answer.body, content_type="application/json")
    for name, value in answer.headers.items():
        response[name] = value
    return response


@read_only
async def metrics_by_time(request: HttpRequest, run_id: str) -> HttpResponse:
    return await _metrics(request, run_id, "time")


@read_only
async def metrics_by_step(request: HttpRequest, run_id: str) -> HttpResponse:
    return await _metrics(request, run_id, "step")


@read_only
async def cache_stats(request: HttpRequest) -> HttpResponse:
    return json_response(await _off_loop(services.cache_stats))


@read_only
async def metrics_fast(request: HttpRequest, exp_id: str) -> HttpResponse:
    try:
        names = services.parse_metric_names(request.GET.get("metric_names"))
        step_range = services.parse_step_range(request.GET.get("step_range"))
        downsample = services.parse_downsample(request.GET.get("downsample"), minimum=services.FAST_DOWNSAMPLE_MIN)
        preview = services.parse_flag(request.GET.get("preview"), "preview")
    except InvalidQuery as exc:
        return _detail(400, str(exc))
    path: Path | None = await _events_path(exp_id)
    if path is None:
        return _detail(404, f"Experiment {exp_id} not found")
    executor = _preview_executor if preview else _executor
    try:
        body = await _off_loop(services.fast_answer, path, names, step_range, downsample, preview, executor=executor)
    except InvalidQuery as exc:
        return _detail(400, str(exc))
    return json_response(body)
