"""A run's images for the web UI: the list of ``image`` events, and the files under ``media/``.

``GET /api/runs/{run_id}/images`` answers ``{"images": [{"key", "path", "step", "caption", "ts"}]}``
in file order. ``events.jsonl`` is read incrementally per file (offset and inode remembered), so a
run that keeps logging costs only its new bytes; only lines that mention ``"image"`` are parsed.

``GET /api/runs/{run_id}/media/{path}`` streams one file below the run's ``media/`` directory.
Each path segment is validated and the joined path must stay inside ``media/`` (symlinks
resolved), so nothing else on the disk can be read through it. Image types are answered inline;
anything else as a download, never as HTML or script the browser would run.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
from django.http import FileResponse, HttpRequest, HttpResponse
from runicorn import layout

from apps.common.http import read_only
from apps.common.paths import NotContained, contained
from apps.runs.lookup import get_run
from apps.runs.responses import json_response
from apps.system.errors import NotFound

INLINE_TYPES = {
    ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif",
    ".webp": "image/webp", ".bmp": "image/bmp",
}
MAX_PATH_LENGTH = 1024
MAX_IMAGES = 100_000  # per run: a list the browser can still hold
_CHUNK = 1 << 20
_MAX_ENTRIES = 128


@dataclass
class _Images:
    inode: int = -1
    offset: int = 0
    items: list[dict[str, Any]] = field(default_factory=list)

    def fold(self, line: bytes) -> None:
        if b'"image"' not in line or len(self.items) >= MAX_IMAGES:
            return
        try:
            event = orjson.loads(line)
        except orjson.JSONDecodeError:
            return
        if not isinstance(event, dict) or event.get("type") != "image":
            return
        data = event.get("data")
        if not isinstance(data, dict) or not isinstance(data.get("path"), str):
            return
        step = data.get("step")
        caption = data.get("caption")
        ts = event.get("ts")
        self.items.append({
            "key": str(data.get("key") or "image"),
            "path": data["path"],
            "step": step if isinstance(step, int) and not isinstance(step, bool) else None,
            "caption": caption if isinstance(caption, str) else None,
            "ts": ts if isinstance(ts, (int, float)) and not isinstance(ts, bool) else None,
        })


_states: OrderedDict[str, _Images] = OrderedDict()
_lock = threading.Lock()


def _read_from(path: Path, state: _Images, size: int) -> None:
    with open(path, "rb") as fh:
        fh.seek(state.offset)
        pending = b""
        remaining = size - state.offset
        while remaining > 0:
            chunk = fh.read(min(_CHUNK, remaining))
            if not chunk:
                break
            remaining -= len(chunk)
            lines = (pending + chunk).split(b"\n")
            pending = lines.pop()
            for line in lines:
                state.fold(line)
            state.offset += len(chunk)
        state.offset -= len(pending)  # an unfinished last line is read again once complete


def list_images(events: Path) -> list[dict[str, Any]]:
    """The image events of ``events`` (an events.jsonl), remembered between calls."""
    key = str(events)
    try:
        events = contained(events.parent, events.name)
        st = os.stat(events)
    except OSError:
        with _lock:
            _states.pop(key, None)
        return []
    with _lock:
        state = _states.pop(key, None)
    if state is None or state.inode != st.st_ino or st.st_size < state.offset:
        state = _Images(inode=st.st_ino)
    if st.st_size > state.offset:
        try:
            _read_from(events, state, st.st_size)
        except OSError:
            return []
    with _lock:
        _states[key] = state
        while len(_states) > _MAX_ENTRIES:
            _states.popitem(last=False)
    return list(state.items)


def media_file(run_dir: Path, rel: str) -> Path | None:
    """The file ``rel`` below ``run_dir/media``; None when the path is invalid or not a file."""
    if not rel or len(rel) > MAX_PATH_LENGTH:
        return None
    parts = rel.split("/")
    if parts[0] == layout.MEDIA_DIR:  # the event's own form, "media/<file>"
        parts = parts[1:]
    if not parts or any(layout.segment_error(p, "path") for p in parts):
        return None
    try:
        media = contained(run_dir, layout.MEDIA_DIR)
        target = contained(media, *parts)
    except NotContained:
        return None
    if target == media or not target.is_file():
        return None
    return target


@read_only
def run_images(request: HttpRequest, run_id: str) -> HttpResponse:
    try:
        _, run_dir = get_run(run_id)
    except NotFound as exc:
        return json_response({"detail": exc.detail}, status=404)
    return json_response({"images": list_images(run_dir / layout.EVENTS_FILE)})


@read_only
def run_media(request: HttpRequest, run_id: str, path: str) -> HttpResponse:
    try:
        _, run_dir = get_run(run_id)
    except NotFound as exc:
        return json_response({"detail": exc.detail}, status=404)
    target = media_file(run_dir, path)
    if target is None:
        return json_response({"detail": "Media file not found"}, status=404)
    suffix = target.suffix.lower()
    content_type = INLINE_TYPES.get(suffix)
    # Anything but a known image is a download: an HTML or SVG file must not run in the page.
    response = FileResponse(
        open(target, "rb"),  # noqa: SIM115 - closed by Django when the response ends
        content_type=content_type or "application/octet-stream",
        as_attachment=content_type is None,
        filename=target.name,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"  # media files are written once, never changed
    return response
