#!/bin/sh
# The image's entry point. A viewer (daphne) migrates the database first: several starting together
# take turns on a PostgreSQL advisory lock (runicorn_site/migrate.py). Workers, beat and one-off
# commands (python manage.py runicorn_user ...) run as given.
set -eu
if [ "${1:-}" = "daphne" ]; then
    python -m runicorn_site.migrate
fi
exec "$@"
