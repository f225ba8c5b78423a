"""Versioned artifacts (models, datasets, configs, code) with a content-addressed dedup pool.

The public entry points are ``runicorn.Artifact`` and the run's ``log_artifact`` /
``use_artifact``; the modules below are the on-disk format that the viewer reads as well.
"""

from .artifact import Artifact
from .housekeeping import collect_garbage, delete_permanently, move_alias, restore, soft_delete
from .paths import ARTIFACT_TYPES, ArtifactNotFound, parse_spec
from .runlink import log_artifact, use_artifact
from .store import ArtifactCorrupted, download, find_type, load, resolve, save_version

__all__ = [
    "ARTIFACT_TYPES",
    "Artifact",
    "ArtifactCorrupted",
    "ArtifactNotFound",
    "collect_garbage",
    "delete_permanently",
    "download",
    "find_type",
    "load",
    "log_artifact",
    "move_alias",
    "parse_spec",
    "resolve",
    "restore",
    "save_version",
    "soft_delete",
    "use_artifact",
]
