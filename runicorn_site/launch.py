"""``runicorn viewer``: prepare the database and serve the ASGI app with daphne."""

from __future__ import annotations

import ipaddress
import os
import socket
import sys
from pathlib import Path

NO_AUTH_OFF_LOOPBACK = (
    "Refusing to serve on {host}: without logins anyone who can reach this address could read and delete "
    "your runs. Keep the default --host 127.0.0.1 (reach it from elsewhere through `ssh -L`), or run the "
    "team profile: RUNICORN_AUTH=required with SECRET_KEY (or SECRET_KEY_FILE) and ALLOWED_HOSTS set "
    "(README: Running for a team); then create a user with `python manage.py runicorn_user NAME --admin "
    "--password-env VAR`."
)


def is_loopback(host: str) -> bool:
    """Whether every address ``host`` stands for is a loopback address (127.0.0.0/8, ::1)."""
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, None)
    except OSError:
        return False
    return bool(infos) and all(ipaddress.ip_address(info[4][0].split("%")[0]).is_loopback for info in infos)


def run_viewer(host: str = "127.0.0.1", port: int = 23300, storage: str | None = None) -> int:
    if storage:
        os.environ["RUNICORN_DIR"] = str(Path(storage).expanduser().resolve())
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "runicorn_site.settings")

    import django
    from django.conf import settings

    django.setup()
    if not settings.RUNICORN_AUTH_REQUIRED and not is_loopback(host):
        print(NO_AUTH_OFF_LOOPBACK.format(host=host), file=sys.stderr, flush=True)
        return 2
    root = Path(settings.RUNICORN_STORAGE_ROOT)
    root.mkdir(parents=True, exist_ok=True)
    # The embedded database is created and migrated on first start: no manual step.
    # One process at a time: several team-profile viewers may start together on one PostgreSQL.
    from .migrate import migrate

    migrate()
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
