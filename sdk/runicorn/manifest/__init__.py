"""Manifest-based sync, server side: ``runicorn generate-manifest`` and :class:`ManifestGenerator`.

Standard library only, so a GPU server needs nothing but ``pip install runicorn``.
"""

from __future__ import annotations

from .generator import ManifestGenerator, ScanStats, write_manifest
from .models import (
    ExperimentEntry,
    FileEntry,
    ManifestFormat,
    ManifestType,
    SyncManifest,
    manifest_path_error,
)

__all__ = [
    "ExperimentEntry",
    "FileEntry",
    "ManifestFormat",
    "ManifestGenerator",
    "ManifestType",
    "ScanStats",
    "SyncManifest",
    "manifest_path_error",
    "write_manifest",
]
