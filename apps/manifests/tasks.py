"""Celery tasks of the manifests app."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from celery import shared_task

from apps.runs.storage import get_storage_root

from .services import check_manifest_type, generate_manifest


@shared_task(name="runicorn.manifest.generate")
def generate_manifest_task(manifest_type: str = "full", root: str | None = None) -> dict[str, Any]:
    """Write the storage root's manifest. ``root`` defaults to the worker's storage root (beat);
    the API passes the viewer's, which may have been switched at run time."""
    error = check_manifest_type(manifest_type)
    if error:
        raise ValueError(error)
    return generate_manifest(Path(root) if root else get_storage_root(), manifest_type)
