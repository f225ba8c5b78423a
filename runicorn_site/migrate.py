"""``python -m runicorn_site.migrate``: apply migrations, one process at a time.

Several daphne processes (or containers) of a team deployment start together against one
PostgreSQL database; two concurrent ``migrate`` runs would both try to create the same tables.
The first takes an advisory lock and migrates, the others wait for it and then find nothing to do.
"""

from __future__ import annotations

import os
import sys

MIGRATE_LOCK = "runicorn:migrate"


def migrate(verbosity: int = 0) -> None:
    from django.core.management import call_command

    from .dblocks import session_lock

    with session_lock(MIGRATE_LOCK):
        call_command("migrate", interactive=False, verbosity=verbosity)


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "runicorn_site.settings")
    import django

    django.setup()
    migrate(verbosity=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
