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


def run_viewer(host: str = "127.0.0.1", port: int = 23300, storage: str | None = None,
               log_level: str | None = None) -> int:
    if storage:
        os.environ["RUNICORN_DIR"] = str(Path(storage).expanduser().resolve())
    if log_level:
        os.environ["RUNICORN_LOG_LEVEL"] = log_level  # read by settings.LOGGING, below
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
    from runicorn.config import describe_source
    from runicorn.viewers import announce

    print(f"Runicorn viewer: storage root {root} ({describe_source(settings.RUNICORN_STORAGE_ROOT_SOURCE)})",
          flush=True)
    print(f"Serving on http://{host}:{port}  (Ctrl+C to stop)", flush=True)
    # rn.init on this machine prints the run's URL when its root is the one served here.
    announce(f"http://{_local_host(host)}:{port}", root)

    from daphne.cli import CommandLineInterface

    from .ws_compression import enable_permessage_deflate

    enable_permessage_deflate()

    argv = ["-b", host, "-p", str(port), "--proxy-headers", "runicorn_site.asgi:application"]
    if log_level:
        # daphne prints its access log itself at verbosity 1 and up: quiet levels hide it too.
        argv[:0] = ["-v", {"DEBUG": "2", "INFO": "1"}.get(log_level, "0")]
    try:
        CommandLineInterface().run(argv)
    except KeyboardInterrupt:
        pass
    return 0


def _local_host(host: str) -> str:
    # A wildcard bind is reached on this machine through loopback; IPv6 literals need brackets.
    if host in ("", "0.0.0.0"):  # noqa: S104 - compared with, not bound to
        return "127.0.0.1"
    if host == "::":
        return "[::1]"
    return f"[{host}]" if ":" in host and not host.startswith("[") else host


if __name__ == "__main__":
    sys.exit(run_viewer())
