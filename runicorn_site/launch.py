"""``runicorn viewer``: prepare the database and serve the ASGI app with daphne."""

from __future__ import annotations

import os
import sys
from pathlib import Path


def run_viewer(host: str = "127.0.0.1", port: int = 23300, storage: str | None = None) -> int:
    if storage:
        os.environ["RUNICORN_DIR"] = str(Path(storage).expanduser().resolve())
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "runicorn_site.settings")

    import django
    from django.conf import settings
    from django.core.management import call_command

    django.setup()
    root = Path(settings.RUNICORN_STORAGE_ROOT)
    root.mkdir(parents=True, exist_ok=True)
    # The embedded database is created and migrated on first start: no manual step.
    call_command("migrate", interactive=False, verbosity=0)
    print(f"Runicorn viewer: storage root {root}", flush=True)
    print(f"Serving on http://{host}:{port}  (Ctrl+C to stop)", flush=True)

    from daphne.cli import CommandLineInterface

    argv = ["-b", host, "-p", str(port), "--proxy-headers", "runicorn_site.asgi:application"]
    try:
        CommandLineInterface().run(argv)
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(run_viewer())
