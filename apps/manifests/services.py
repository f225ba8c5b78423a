"""Generating the storage root's sync manifest from the viewer (API and schedule)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.conf import settings
from runicorn.manifest import ManifestGenerator, ManifestType

MANIFEST_TYPES = tuple(t.value for t in ManifestType)


def check_manifest_type(value: Any) -> str | None:
    """Why ``value`` is not a manifest type, or None when it is one."""
    if value not in MANIFEST_TYPES:
        return f"type must be one of {', '.join(repr(t) for t in MANIFEST_TYPES)}, got {value!r}"
    return None


def generate_manifest(root: Path, manifest_type: str) -> dict[str, Any]:
    """Write ``<root>/.runicorn/<type>_manifest.json(.gz)``; returns what a task result reports."""
    started = time.monotonic()
    generator = ManifestGenerator(root, active_window_seconds=settings.RUNICORN_MANIFEST_ACTIVE_WINDOW)
    manifest, path = generator.generate(ManifestType(manifest_type))
    return {
        "manifest_type": manifest.manifest_type.value,
        "output_path": str(path),
        "compressed_path": f"{path}.gz",
        "revision": manifest.revision,
        "snapshot_id": manifest.snapshot_id,
        "generated_at": manifest.generated_at,
        "total_experiments": manifest.total_experiments,
        "total_files": manifest.total_files,
        "total_bytes": manifest.total_bytes,
        "runs_rescanned": generator.last_scan.rescanned,
        "duration_seconds": round(time.monotonic() - started, 4),
    }
