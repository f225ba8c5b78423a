# Runicorn viewer for a team (README: "Running for a team").
#   docker build -t runicorn .
#   docker run --env-file deploy/team.env.example -v runicorn-data:/data -p 8000:8000 runicorn
# The same image runs the Celery worker and beat: append `celery -A runicorn_site worker -l info`
# (or `... beat -l info`) to `docker run ... runicorn`.

# --- the web UI, built with Node ----------------------------------------------------------------
FROM node:20-bookworm-slim AS frontend
WORKDIR /src/frontend
COPY frontend/package.json frontend/package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error
COPY frontend/ ./
RUN npm run build

# --- the server ---------------------------------------------------------------------------------
FROM python:3.11-slim AS app
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PYTHONPATH=/app \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=runicorn_site.settings \
    RUNICORN_AUTH=required \
    RUNICORN_DIR=/data \
    RUNICORN_FRONTEND_DIST=/app/frontend/dist
WORKDIR /app

# Dependencies first: this layer is rebuilt only when the pins change.
COPY requirements/base.txt requirements/base.txt
RUN pip install --requirement requirements/base.txt
COPY sdk/ sdk/
RUN pip install --no-deps ./sdk

COPY manage.py pyproject.toml ./
COPY runicorn_site/ runicorn_site/
COPY apps/ apps/
COPY --from=frontend /src/frontend/dist/ frontend/dist/
COPY deploy/docker-entrypoint.sh /usr/local/bin/docker-entrypoint

# The code belongs to root and is read-only for the server's own user, who owns only the storage.
RUN groupadd --system --gid 10001 runicorn \
    && useradd --system --uid 10001 --gid runicorn --create-home --home-dir /home/runicorn runicorn \
    && mkdir -p /data \
    && chown runicorn:runicorn /data
USER 10001:10001
VOLUME ["/data"]
EXPOSE 8000

HEALTHCHECK --interval=30s --timeout=10s --start-period=60s --retries=3 \
    CMD ["python", "-m", "runicorn_site.healthcheck"]
ENTRYPOINT ["docker-entrypoint"]
CMD ["daphne", "--bind", "0.0.0.0", "--port", "8000", "--proxy-headers", "runicorn_site.asgi:application"]
