"""Finding a run for a request: one lookup, one policy, one 404."""

from __future__ import annotations

from pathlib import Path

from runicorn import layout

from apps.common.paths import NotContained, contained
from apps.system.errors import NotFound

from .models import Run
from .storage import get_storage_root

RUN_NOT_FOUND = "Run not found"


def get_run(run_id: str, *, include_deleted: bool = False, detail: str = RUN_NOT_FOUND) -> tuple[Run, Path]:
    """The indexed run ``run_id`` and its directory (resolved), or ``NotFound(detail)``.

    The directory is rebuilt from the run's project and name under the current storage root, not
    taken from the stored ``run_dir`` (the root may have moved), and must resolve inside the root:
    a run directory that is a symlink to elsewhere is not found. Only the index is asked, never
    the disk: an unknown id costs one query. Soft-deleted runs are found only with
    ``include_deleted`` (the recycle bin, the V2 detail).
    """
    if not layout.is_valid_run_id(run_id):
        raise NotFound(detail)
    runs = Run.objects.filter(run_id=run_id)
    if not include_deleted:
        runs = runs.filter(deleted=False)
    run = runs.first()
    if run is None:
        raise NotFound(detail)
    try:
        return run, run_path(run)
    except NotContained:
        raise NotFound(detail) from None


def run_path(run: Run) -> Path:
    """``run``'s directory under the current storage root, resolved; ``NotContained`` when it escapes."""
    return run_dir(run.project, run.name, run.run_id)


def run_dir(project: str, name: str, run_id: str) -> Path:
    """The directory of the run with these index fields, resolved; ``NotContained`` when it escapes
    (for callers holding ``values()`` rows rather than ``Run`` objects)."""
    root = get_storage_root()
    return contained(root, project, name, layout.RUNS_DIR, run_id, root=root)
