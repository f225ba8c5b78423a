"""``python -m tests.team.indexer_race MODE ROOT STOP_FILE``: one writer of the index, in a loop.

MODE ``scan`` runs the reconcile (``sync_index``) again and again, ``events`` re-reads random runs
as file events would (``sync_locations``), until STOP_FILE exists. Several of these
run at once against one PostgreSQL database in tests/team/test_indexer_concurrency.py.
"""

from __future__ import annotations

import os
import random
import sys
from pathlib import Path


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "runicorn_site.settings")
    import django

    django.setup()
    from runicorn import layout

    from apps.runs import indexer

    mode, root, stop = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
    print("ready", flush=True)
    rounds = 0
    while not stop.exists():
        if mode == "scan":
            indexer.sync_index(root)
        else:
            locations = list(layout.iter_run_dirs(root))
            indexer.sync_locations(root, random.sample(locations, len(locations)))
        rounds += 1
    print(rounds)
    return 0


if __name__ == "__main__":
    sys.exit(main())
