"""Settings for both profiles. The profile is chosen by environment variables:

* embedded (default): SQLite file, in-memory channel layer, local-memory cache, no login, 127.0.0.1.
* team: ``DATABASE_URL`` (PostgreSQL), ``REDIS_URL`` (channel layer, cache, Celery broker).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from runicorn import ratelimits as user_rate_limits
from runicorn.config import resolve_storage_root_source

from . import profile
from .envvars import envbool, envfloat, envint, envjson, envstr

BASE_DIR = Path(__file__).resolve().parent.parent

# --- Runicorn ---------------------------------------------------------------------------------
# The same rules as the SDK's (runicorn.config), so both meet in one root with nothing configured;
# the source says which rule chose it (shown on the page, and whether a config change is followed).
RUNICORN_STORAGE_ROOT, RUNICORN_STORAGE_ROOT_SOURCE = resolve_storage_root_source()
# Start the indexer's watcher thread with the ASGI application (off in unit tests, which call
# the indexer directly).
RUNICORN_START_INDEXER = envbool("RUNICORN_START_INDEXER", True)
# The safety-net rescan of the whole root, and the check of running runs' processes.
RUNICORN_RECONCILE_SECONDS = envfloat("RUNICORN_RECONCILE_SECONDS", 30.0, minimum=0.5)
RUNICORN_LIVENESS_SECONDS = envfloat("RUNICORN_LIVENESS_SECONDS", 5.0, minimum=0.5)
# Use polling instead of inotify (network filesystems, or too many directories to watch).
RUNICORN_FORCE_POLLING = envbool("RUNICORN_FORCE_POLLING", False)
RUNICORN_POLL_SECONDS = envfloat("RUNICORN_POLL_SECONDS", 1.0, minimum=0.1)
# GPU telemetry WebSocket: seconds between two NVML samples pushed to the clients.
RUNICORN_GPU_SAMPLE_SECONDS = envfloat("RUNICORN_GPU_SAMPLE_SECONDS", 1.0, minimum=0.01)
# Metrics (apps.metrics): parsed runs kept in memory within this many bytes / runs, least recently
# used first out; WebSocket followers close after this many seconds without a new line or row.
RUNICORN_METRICS_CACHE_BYTES = envint("RUNICORN_METRICS_CACHE_BYTES", 256 * 1024 * 1024, minimum=1024 * 1024)
RUNICORN_METRICS_CACHE_ENTRIES = envint("RUNICORN_METRICS_CACHE_ENTRIES", 100, minimum=1)
# metrics/fast?preview=1 answers from a sample of the lines of an events file at least this large
# while the run is not parsed yet (apps/metrics/preview.py); 0 turns previews off.
RUNICORN_METRICS_PREVIEW_BYTES = envint("RUNICORN_METRICS_PREVIEW_BYTES", 16 * 1024 * 1024, minimum=0)
# The persisted columnar metrics store (apps/metrics/store.py): one Arrow file per run in the
# viewer's own data directory (never the storage root), so a restart reads memory-mapped columns
# instead of parsing events.jsonl again. Only events files of at least MIN_BYTES are stored (a
# smaller one parses in a few ms); DIR "off" turns the store off.
RUNICORN_METRICS_STORE_MIN_BYTES = envint("RUNICORN_METRICS_STORE_MIN_BYTES", 1024 * 1024, minimum=0)
# JSON answers of at least this many bytes are compressed (zstd, brotli, gzip; apps/system/compression.py).
RUNICORN_COMPRESS_MIN_BYTES = envint("RUNICORN_COMPRESS_MIN_BYTES", 4096, minimum=0)
RUNICORN_WS_IDLE_SECONDS = envfloat("RUNICORN_WS_IDLE_SECONDS", 3600.0, minimum=0.1)
# GET /api/artifacts/stats answers from the last scan and queues a new one when the last is older.
RUNICORN_ARTIFACT_STATS_MAX_AGE = envfloat("RUNICORN_ARTIFACT_STATS_MAX_AGE", 60.0, minimum=0.0)
# Rate limits of /api/ (apps.system.ratelimit), per client IP and route: "METHOD /route" or
# "/route" -> "count/period" (s, m, h, d); "default" covers every other route. The env variable
# RUNICORN_RATE_LIMITS (a JSON object) overrides single entries.
# The user's overrides (`runicorn rate-limit`, the reference's rate_limits.json) sit between the
# built-in rules below and the environment; read once, at start.
try:
    _user_limits = user_rate_limits.load()
except user_rate_limits.InvalidLimits as exc:
    raise ImproperlyConfigured(str(exc)) from None
RUNICORN_RATE_LIMIT_ENABLED = envbool(
    "RUNICORN_RATE_LIMIT_ENABLED", _user_limits.settings.get("enable_rate_limiting", True)
)
_rate_limit_overrides = envjson("RUNICORN_RATE_LIMITS", {})
if not isinstance(_rate_limit_overrides, dict):
    raise ImproperlyConfigured('RUNICORN_RATE_LIMITS must be a JSON object such as {"GET /api/runs": "200/m"}')
RUNICORN_RATE_LIMITS = user_rate_limits.with_overrides({
    "default": "600/m",
    "GET /api/runs": "100/m",
    "POST /api/runs/soft-delete": "20/m",
    # The reference's limit for its batch delete (up to 1,000 runs per request).
    "POST /api/v2/experiments/batch-delete": "10/m",
    "POST /api/recycle-bin/empty": "5/m",
    "POST /api/remote/connect": "5/m",
    "POST /api/auth/login": "10/m",  # password guessing, per client address
    # Uploads from training jobs (apps.ingest): several a second per job, many jobs behind one address.
    "POST /api/ingest/runs/{run_id}/append/{file_name}": "60000/m",
    "PUT /api/ingest/runs/{run_id}/files/{file_name}": "60000/m",
    "PUT /api/ingest/runs/{run_id}/media/{file_name}": "20000/m",
    "GET /api/ingest/runs/{run_id}": "20000/m",
    "POST /api/ingest/runs": "20000/m",
    "/api/ingest/blobs/{digest}": "20000/m",
    "POST /api/ingest/blobs/missing": "20000/m",
    "POST /api/ingest/runs/{run_id}/artifacts": "20000/m",
}, _user_limits.rules) | _rate_limit_overrides
# Reverse proxies in front of the viewer that append to X-Forwarded-For (0: trust REMOTE_ADDR only).
RUNICORN_RATE_LIMIT_PROXY_COUNT = envint("RUNICORN_RATE_LIMIT_PROXY_COUNT", 0, minimum=0)
# Per-account login limit (apps.accounts.lockout): this many failed logins of one username within
# the lock-out time lock it for that long, whatever address the guesses come from.
RUNICORN_LOGIN_MAX_FAILURES = envint("RUNICORN_LOGIN_MAX_FAILURES", 5, minimum=1)
RUNICORN_LOGIN_LOCKOUT_SECONDS = envint("RUNICORN_LOGIN_LOCKOUT_SECONDS", 900, minimum=1)
AUTHENTICATION_BACKENDS = ["apps.accounts.lockout.LockoutBackend", "django.contrib.auth.backends.ModelBackend"]
# Saved SSH secrets (apps.config.secrets) are encrypted with this Fernet key; empty: a key file
# (mode 0600) in the user config directory. Viewers sharing one config need the same key.
RUNICORN_SECRETS_KEY = envstr("RUNICORN_SECRETS_KEY")
if RUNICORN_SECRETS_KEY:
    from apps.config.secrets import check_key

    check_key(RUNICORN_SECRETS_KEY)
# Remote viewer (apps.remote): how long a started remote viewer may take to answer its health
# check, and the SSH keepalive interval that notices a dropped connection.
RUNICORN_REMOTE_VIEWER_START_SECONDS = envfloat("RUNICORN_REMOTE_VIEWER_START_SECONDS", 90.0, minimum=1.0)
RUNICORN_SSH_KEEPALIVE_SECONDS = envint("RUNICORN_SSH_KEEPALIVE_SECONDS", 15, minimum=0)


def _data_home() -> Path:
    return Path(envstr("XDG_DATA_HOME") or Path.home() / ".local" / "share") / "runicorn"


def _root_digest() -> str:
    # One index (and one metrics store) per storage root, so two viewers on two roots never share.
    return hashlib.sha1(str(RUNICORN_STORAGE_ROOT).encode(), usedforsecurity=False).hexdigest()[:12]


def _default_sqlite_path() -> Path:
    explicit = envstr("RUNICORN_DB_PATH")
    if explicit:
        return Path(explicit).expanduser()
    return _data_home() / f"index-{_root_digest()}.sqlite3"


def _default_metrics_store_dir() -> str:
    explicit = envstr("RUNICORN_METRICS_STORE_DIR")
    if explicit:
        return "" if explicit.strip().lower() == "off" else str(Path(explicit).expanduser())
    return str(_data_home() / f"metrics-{_root_digest()}")


RUNICORN_METRICS_STORE_DIR = _default_metrics_store_dir()


# --- Django -----------------------------------------------------------------------------------
# Team profile (RUNICORN_AUTH=required): every API and WebSocket request needs a login or an API
# token (apps.accounts); SECRET_KEY (or SECRET_KEY_FILE) and ALLOWED_HOSTS must then be set.
RUNICORN_AUTH_REQUIRED = profile.auth_required()
SECRET_KEY = profile.secret_key(RUNICORN_AUTH_REQUIRED)
DEBUG = envbool("DEBUG", False)
ALLOWED_HOSTS = profile.allowed_hosts(RUNICORN_AUTH_REQUIRED)
CSRF_TRUSTED_ORIGINS = profile.csrf_trusted_origins()
# Behind a reverse proxy that terminates HTTPS (and sets X-Forwarded-Proto): secure cookies,
# redirect plain HTTP (the health check excepted: probes call the process directly), HSTS.
RUNICORN_BEHIND_HTTPS = envbool("RUNICORN_BEHIND_HTTPS", False)
if RUNICORN_BEHIND_HTTPS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SECURE_REDIRECT_EXEMPT = [r"^api/health$"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = envint("RUNICORN_HSTS_SECONDS", 31536000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("RUNICORN_HSTS_INCLUDE_SUBDOMAINS", False)
    SECURE_HSTS_PRELOAD = envbool("RUNICORN_HSTS_PRELOAD", False)
    # check --deploy asks for both; they bind every subdomain of the viewer's domain (which the
    # viewer's operators rarely own) and, for preload, browsers' built-in lists: opt in by env.
    SILENCED_SYSTEM_CHECKS = [
        *([] if SECURE_HSTS_INCLUDE_SUBDOMAINS else ["security.W005"]),
        *([] if SECURE_HSTS_PRELOAD else ["security.W021"]),
    ]
SESSION_COOKIE_AGE = envint("RUNICORN_SESSION_SECONDS", 14 * 24 * 3600, minimum=60)

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "channels",
    "apps.runs",
    "apps.experiments",
    "apps.system",
    "apps.metrics",
    "apps.manifests",
    "apps.artifacts",
    "apps.web",
    "apps.accounts",
    "apps.config",
    "apps.remote",
    "apps.ingest",
    "apps.workspaces",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # JSON answers compressed by Accept-Encoding (static files have WhiteNoise's own, above).
    "apps.system.compression.CompressionMiddleware",
    "apps.system.ratelimit.RateLimitMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Team profile: logins and tokens for /api/ views that are not DRF's (DRF's check REST_FRAMEWORK).
    "apps.accounts.middleware.ApiAccessMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "runicorn_site.urls"
APPEND_SLASH = False

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

ASGI_APPLICATION = "runicorn_site.asgi.application"

_database_url = profile.database_url()
if _database_url:
    import dj_database_url

    # Under ASGI a request may run on a thread of its own: persistent per-thread connections would
    # pile up until PostgreSQL refuses more ("too many clients"), so each process keeps a pool.
    DATABASES = {"default": dj_database_url.parse(_database_url, conn_max_age=0)}
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
            "min_size": 1,
            "max_size": envint("RUNICORN_DB_POOL_SIZE", 12, minimum=2),
            "timeout": envfloat("RUNICORN_DB_POOL_TIMEOUT", 20.0, minimum=0.1),
        }
else:
    _sqlite_path = _default_sqlite_path()
    _sqlite_path.parent.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(_sqlite_path),
            "OPTIONS": {
                # WAL lets the indexer thread write while request threads read.
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
            # A file, not memory, so the indexer thread and live servers in tests share it.
            "TEST": {"NAME": str(_sqlite_path.with_name(_sqlite_path.stem + "-test.sqlite3"))},
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

_redis_url = profile.redis_url()
if _redis_url:
    # socket_timeout above channels-redis's 5 s blocking read (BZPOPMIN, brpop_timeout): redis-py 8
    # defaults to a 5 s socket timeout, so every idle receive raised TimeoutError at ~5 s and the
    # socket closed with 1011. The run followers (apps.metrics.consumers) do not use the layer at all.
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [{"address": _redis_url, "socket_timeout": 15, "socket_connect_timeout": 5}]},
        }
    }
    CACHES = {"default": {"BACKEND": "runicorn_site.redis_cache.SharedRedisCache", "LOCATION": _redis_url}}
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# django-ratelimit keeps its counters in this cache (Redis in the team profile: shared by processes).
RATELIMIT_USE_CACHE = "default"
RATELIMIT_CACHE_PREFIX = envstr("RUNICORN_RATE_LIMIT_PREFIX", "rl:")

# --- Celery: background work (manifest generation, index reconcile, ...) -----------------------
# Team profile (REDIS_URL): Redis is broker and result backend; run `celery -A runicorn_site worker`
# and `celery -A runicorn_site beat`. Embedded profile: no broker server; apps.jobs runs the same
# tasks on an in-process worker thread (off the request path) and its own copy of the schedule.
RUNICORN_TASKS_EMBEDDED = not _redis_url
CELERY_BROKER_URL = _redis_url or "memory://"
CELERY_RESULT_BACKEND = _redis_url or None
CELERY_TASK_DEFAULT_QUEUE = envstr("RUNICORN_CELERY_QUEUE", "runicorn")
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_TRACK_STARTED = True
CELERY_RESULT_EXPIRES = 24 * 3600
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Seconds between manifests of the storage root (<root>/.runicorn/<type>_manifest.json); 0 = never.
RUNICORN_MANIFEST_FULL_SECONDS = envfloat("RUNICORN_MANIFEST_FULL_SECONDS", 300.0, minimum=0.0)
RUNICORN_MANIFEST_ACTIVE_SECONDS = envfloat("RUNICORN_MANIFEST_ACTIVE_SECONDS", 60.0, minimum=0.0)
RUNICORN_MANIFEST_ACTIVE_WINDOW = envint("RUNICORN_MANIFEST_ACTIVE_WINDOW", 3600, minimum=1)
# The embedded profile runs the schedule below in the viewer process (the index reconcile is left
# to the watcher thread there).
RUNICORN_EMBEDDED_BEAT = envbool("RUNICORN_EMBEDDED_BEAT", True)
CELERY_BEAT_SCHEDULE = {
    name: entry
    for name, entry in {
        "manifest-full": {
            "task": "runicorn.manifest.generate",
            "schedule": RUNICORN_MANIFEST_FULL_SECONDS,
            "kwargs": {"manifest_type": "full"},
        },
        "manifest-active": {
            "task": "runicorn.manifest.generate",
            "schedule": RUNICORN_MANIFEST_ACTIVE_SECONDS,
            "kwargs": {"manifest_type": "active"},
        },
        "index-reconcile": {"task": "runicorn.index.reconcile", "schedule": RUNICORN_RECONCILE_SECONDS},
    }.items()
    if entry["schedule"] > 0
}

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
# Only needed for `collectstatic` (team deployments); the embedded profile serves from finders.
STATIC_ROOT = Path(envstr("RUNICORN_STATIC_ROOT")) if envstr("RUNICORN_STATIC_ROOT") else None
# The built single-page app (frontend/, `npm run build`). WhiteNoise serves its hashed assets
# with far-future cache headers and the admin's static files straight from the app folders.
RUNICORN_FRONTEND_DIST = Path(envstr("RUNICORN_FRONTEND_DIST") or BASE_DIR / "frontend" / "dist")
WHITENOISE_ROOT = RUNICORN_FRONTEND_DIST if RUNICORN_FRONTEND_DIST.is_dir() else None
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = False
WHITENOISE_IMMUTABLE_FILE_TEST = r"^/?assets/.+-[0-9A-Za-z_-]{8,}\.[0-9a-z]+$"

DATA_UPLOAD_MAX_MEMORY_SIZE = envint("RUNICORN_MAX_BODY_BYTES", 1024 * 1024, minimum=1024)
# Ingestion (apps.ingest): the most bytes one upload may hold after gzip inflation (appends and
# documents; media files; artifact blobs, which are streamed to disk rather than held in memory).
RUNICORN_INGEST_MAX_BODY_BYTES = envint("RUNICORN_INGEST_MAX_BODY_BYTES", 32 * 1024 * 1024, minimum=1024)
RUNICORN_INGEST_MAX_MEDIA_BYTES = envint("RUNICORN_INGEST_MAX_MEDIA_BYTES", 256 * 1024 * 1024, minimum=1024)
RUNICORN_INGEST_MAX_BLOB_BYTES = envint("RUNICORN_INGEST_MAX_BLOB_BYTES", 64 * 1024**3, minimum=1024)
# Run archives uploaded to POST /api/import/preview (apps.archives): the largest accepted, and where
# they wait (30 minutes at most) for POST /api/import/archive.
RUNICORN_IMPORT_MAX_BYTES = envint("RUNICORN_IMPORT_MAX_BYTES", 2 * 1024**3, minimum=1024)
RUNICORN_IMPORT_SPOOL = Path(envstr("RUNICORN_IMPORT_SPOOL") or _default_sqlite_path().parent / "imports")

REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["apps.common.bodies.JSONParser"],  # size and depth limits
    # The embedded profile serves one person on loopback: no login, so no CSRF dance for curl.
    # Both stand aside unless RUNICORN_AUTH=required; the token class first, so that a request
    # without credentials gets 401 (with WWW-Authenticate), not 403. Access rules: apps.accounts.access.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "apps.accounts.authentication.BearerTokenAuthentication",
        "apps.accounts.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["apps.accounts.permissions.RoutePermission"],
    "UNAUTHENTICATED_USER": None,
    "EXCEPTION_HANDLER": "apps.system.errors.api_exception_handler",
    # OpenAPI: our AutoSchema also documents views of other apps from apps.system.api_docs.
    "DEFAULT_SCHEMA_CLASS": "apps.system.openapi.RunicornAutoSchema",
}

# GET /openapi.json, Swagger UI at /docs and ReDoc at /redoc, all served locally (no CDN).
SPECTACULAR_SETTINGS = {
    "TITLE": "Runicorn Viewer API",
    "DESCRIPTION": (
        "REST API of the Runicorn viewer (compatible with Runicorn 0.5.3). Every /api/ answer carries "
        "X-RateLimit-Limit, X-RateLimit-Remaining and X-RateLimit-Reset; past a limit the answer is 429 "
        "with Retry-After. WebSockets (not described here): /api/runs/{run_id}/logs/ws, /api/runs/{run_id}/metrics/ws, "
        "/api/gpu/telemetry/ws."
    ),
    "VERSION": "0.6.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # No badge from the online validator: the docs page must not call out to the internet.
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
    # The team profile's access rules for the schema and docs pages too (open in the embedded one).
    "SERVE_PERMISSIONS": ["apps.accounts.permissions.RoutePermission"],
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "apps.system.openapi.complete_schema",
    ],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": envstr("RUNICORN_LOG_LEVEL", "INFO")},
    "loggers": {"django.channels.server": {"level": "WARNING"}, "daphne": {"level": "WARNING"},
                # paramiko reports every SSH login and channel at INFO: apps.remote logs what matters.
                "paramiko": {"level": "WARNING"}},
}

