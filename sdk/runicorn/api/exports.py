"""``client.export_experiment``: a run's data as one JSON or CSV document, optionally zipped with
its media files.

* ``csv``: the viewer's CSV export (``GET /api/export/{id}/csv``: one row per logged event).
* ``json``: ``{"format": "runicorn.export", "version": 1, "exported_at", "experiment", "metrics":
  {"columns", "rows"}, "artifacts": {"created", "used"}}`` -- the V2 detail, every metric row at
  full resolution, and the artifacts the run created and used.
* ``include_media=True``: a zip archive holding that document (``<run_id>.json`` or
  ``<run_id>_metrics.csv``) and ``media/<file>`` for every image the run logged.
"""

from __future__ import annotations

import io
import json
import posixpath
import time
import zipfile
from typing import TYPE_CHECKING, Any, Dict, List

if TYPE_CHECKING:
    from .client import RunicornClient

FORMATS = ("json", "csv")


def _media_member(path: Any) -> str:
    """The zip member name of an image's path, or "" when it does not point below media/."""
    if not isinstance(path, str) or not path or path.startswith("/") or "\\" in path:
        return ""
    clean = posixpath.normpath(path)  # "media/../x" becomes "x" and is refused below
    return clean if clean.startswith("media/") else ""


def json_document(client: RunicornClient, run_id: str) -> bytes:
    experiment = client.get_experiment(run_id)
    metrics = client.metric_rows(run_id)
    artifacts = client.artifacts.list_experiment_artifacts(run_id)
    doc = {
        "format": "runicorn.export",
        "version": 1,
        "exported_at": time.time(),
        "experiment": experiment,
        "metrics": {"columns": metrics.get("columns", []), "rows": metrics.get("rows", [])},
        "artifacts": {
            "created": [a for a in artifacts if a.get("relation") == "created"],
            "used": [a for a in artifacts if a.get("relation") == "used"],
        },
    }
    return json.dumps(doc, ensure_ascii=False, indent=1).encode("utf-8")


def export(client: RunicornClient, run_id: str, fmt: str, include_media: bool) -> bytes:
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}, got {fmt!r}")
    if fmt == "csv":
        document, member = client.export_csv(run_id), f"{run_id}_metrics.csv"
    else:
        document, member = json_document(client, run_id), f"{run_id}.json"
    if not include_media:
        return document
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(member, document)
        written: set = set()
        for image in media_list(client, run_id):
            name = _media_member(image.get("path"))
            if not name or name in written:
                continue
            written.add(name)
            # Images are compressed already: stored as they are.
            archive.writestr(name, client.media_file(run_id, name), compress_type=zipfile.ZIP_STORED)
    return buffer.getvalue()


def media_list(client: RunicornClient, run_id: str) -> List[Dict[str, Any]]:
    images = client._get(f"/api/runs/{client._segment(run_id)}/images").get("images", [])
    return [i for i in images if isinstance(i, dict)]
