"""``RunicornClient``: runs, metrics, exports and config of a Runicorn viewer, from Python.

The method names, arguments and return shapes are those of the reference client (``runicorn.api``
0.5.x); the routes are this viewer's real ones (the reference client called several routes its
own server did not have): the V2 experiments API for listing and details, the V2 fast metrics
route, the CSV export, ``/api/config/user_root_dir``.
"""

from __future__ import annotations

import logging
import os
from typing import TYPE_CHECKING, Any, Dict, Iterator, List, Optional, Sequence, Union
from urllib.parse import quote

from . import exceptions as errors
from .series import rows_to_series
from .transport import Transport

if TYPE_CHECKING:
    from .artifacts import ArtifactsAPI
    from .remote import RemoteAPI

logger = logging.getLogger("runicorn.api")

DEFAULT_URL = "http://127.0.0.1:23300"
TOKEN_ENV = "RUNICORN_API_TOKEN"  # noqa: S105 - the variable's name, not a secret
PER_PAGE_MAX = 1000  # the V2 list's largest page


class RunicornClient:
    """A connection to one viewer. Use as a context manager, or call :meth:`close`.

    Args:
        base_url: the viewer, e.g. ``http://127.0.0.1:23300``.
        timeout: seconds per request.
        max_retries: retries after the first attempt (see :mod:`runicorn.api.transport`).
        token: an API token of the team profile, sent as ``Authorization: Bearer <token>``;
            default: the ``RUNICORN_API_TOKEN`` environment variable.
        max_retry_wait: the longest ``Retry-After`` (seconds) a retry waits for; a longer one
            raises :class:`RateLimitError` at once.
        check_connection: ask ``/api/health`` now, so a wrong URL fails here, not later.
    """

    def __init__(self, base_url: str = DEFAULT_URL, timeout: float = 30, max_retries: int = 3,
                 token: Optional[str] = None, *, backoff_factor: float = 0.5, max_retry_wait: float = 60.0,
                 check_connection: bool = True) -> None:
        if token is None:
            token = os.environ.get(TOKEN_ENV) or None
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self._http = Transport(self.base_url, timeout=timeout, max_retries=max_retries, token=token,
                               backoff_factor=backoff_factor, max_retry_wait=max_retry_wait)
        self._artifacts: Optional[ArtifactsAPI] = None
        self._remote: Optional[RemoteAPI] = None
        if check_connection:
            try:
                self.health_check()
            except BaseException:
                self.close()
                raise

    # ---- plumbing --------------------------------------------------------------------------
    @property
    def transport(self) -> Transport:
        return self._http

    @staticmethod
    def _segment(value: Any) -> str:
        """One URL path segment: ``/`` and everything else special is escaped, so an id can
        never reach another route."""
        text = str(value)
        if not text:
            raise ValueError("an id or name must not be empty")
        return quote(text, safe="")

    def _get(self, path: str, params: Optional[Dict[str, Any]] = None, **kwargs: Any) -> Any:
        return self._http.json("GET", path, params=params, **kwargs)

    def _post(self, path: str, json: Any = None, **kwargs: Any) -> Any:
        return self._http.json("POST", path, json=json, **kwargs)

    def _delete(self, path: str, params: Optional[Dict[str, Any]] = None, **kwargs: Any) -> Any:
        return self._http.json("DELETE", path, params=params, **kwargs)

    # The reference client's public verbs, for routes without a method of their own.
    def get(self, endpoint: str, params: Optional[Dict[str, Any]] = None) -> Any:
        """``GET`` any route of the viewer (``endpoint`` starts with ``/api/``); the decoded JSON."""
        return self._get(endpoint, params)

    def post(self, endpoint: str, json: Any = None) -> Any:
        return self._post(endpoint, json)

    def delete(self, endpoint: str) -> Any:
        return self._delete(endpoint)

    # ---- health, GPUs, projects ------------------------------------------------------------
    def health_check(self) -> Dict[str, Any]:
        """``GET /api/health``: status, storage root, version, index state."""
        return self._get("/api/health")

    def get_gpu_info(self) -> Dict[str, Any]:
        """``GET /api/gpu/telemetry``: the viewer machine's GPUs (``available`` false without any)."""
        return self._get("/api/gpu/telemetry")

    def list_projects(self) -> List[str]:
        """Names of the projects that have runs."""
        return list(self._get("/api/projects").get("projects", []))

    # ---- experiments -----------------------------------------------------------------------
    def iter_experiments(self, project: Optional[str] = None, name: Optional[str] = None,
                         status: Union[str, Sequence[str], None] = None, offset: int = 0,
                         page_size: int = PER_PAGE_MAX, **filters: Any) -> Iterator[Dict[str, Any]]:
        """Every matching experiment, newest first, fetched page by page as the loop goes on.

        ``filters`` are passed to ``GET /api/v2/experiments`` as they are: ``q`` (the query
        language), ``tags``, ``search``, ``created_after``, ``best_metric_min``, ``order_by``, ...
        """
        if offset < 0:
            raise ValueError(f"offset must be 0 or more, got {offset}")
        if not 1 <= page_size <= PER_PAGE_MAX:
            raise ValueError(f"page_size must be between 1 and {PER_PAGE_MAX}, got {page_size}")
        params: Dict[str, Any] = {}
        if project:
            params["project"] = project
        if name:
            params["name"] = name
        if status:
            params["status"] = status if isinstance(status, str) else ",".join(status)
        for key, value in filters.items():
            if value is None:
                continue
            if isinstance(value, bool):
                value = "true" if value else "false"
            elif isinstance(value, (list, tuple, set)):
                value = ",".join(str(v) for v in value)
            params[key] = value
        # Pages of page_size: the first one holding ``offset``, skipping into it. A run created
        # meanwhile shifts the later pages by one: an id already given is not given twice.
        page, skip = offset // page_size + 1, offset % page_size
        seen: set = set()
        while True:
            body = self._get("/api/v2/experiments", {**params, "page": page, "per_page": page_size})
            items = body.get("experiments", [])
            for item in items[skip:]:
                if item.get("id") not in seen:
                    seen.add(item.get("id"))
                    yield item
            if not body.get("has_next") or not items:
                return
            page, skip = page + 1, 0

    def list_experiments(self, project: Optional[str] = None, name: Optional[str] = None,
                         status: Union[str, Sequence[str], None] = None, limit: Optional[int] = None,
                         offset: Optional[int] = 0, **filters: Any) -> List[Dict[str, Any]]:
        """Experiments (runs), newest first, from ``GET /api/v2/experiments``.

        Args:
            project, name: exact matches.
            status: ``"finished"``, or several: ``["failed", "interrupted"]``.
            limit: at most this many (None: all of them, fetched 1,000 per request).
            offset: skip this many first.
            filters: more V2 filters, e.g. ``q='summary.acc > 0.9'``, ``tags=["baseline"]``.
        """
        if limit is not None and limit < 0:
            raise ValueError(f"limit must be 0 or more, got {limit}")
        if limit == 0:
            return []
        page_size = PER_PAGE_MAX if limit is None else min(PER_PAGE_MAX, max(limit, 1))
        out: List[Dict[str, Any]] = []
        for item in self.iter_experiments(project, name, status, offset or 0, page_size, **filters):
            out.append(item)
            if limit is not None and len(out) >= limit:
                break
        return out

    def get_experiment(self, run_id: str) -> Dict[str, Any]:
        """One experiment from the V2 API: the run's fields, ``summary`` and ``config``, plus
        ``metrics_summary`` (metric names, step range), ``environment_available``, ``file_count``."""
        body = self._get(f"/api/v2/experiments/{self._segment(run_id)}")
        experiment = dict(body.get("experiment") or {})
        for key, value in body.items():
            if key != "experiment":
                experiment.setdefault(key, value)
        return experiment

    def get_run(self, run_id: str) -> Dict[str, Any]:
        """One run as ``GET /api/runs/{id}`` answers it (the V1 record: status, paths, summary...)."""
        return self._get(f"/api/runs/{self._segment(run_id)}")

    # ---- metrics ---------------------------------------------------------------------------
    def metric_rows(self, run_id: str, downsample: Optional[int] = None) -> Dict[str, Any]:
        """The viewer's rows as they are: ``{"columns": [...], "rows": [{global_step, time, ...}]}``."""
        params = {"downsample": int(downsample)} if downsample is not None else None
        return self._get(f"/api/v2/experiments/{self._segment(run_id)}/metrics/fast", params)

    def get_metrics(self, run_id: str, metric_names: Optional[Sequence[str]] = None,
                    limit: Optional[int] = None) -> Dict[str, Any]:
        """Metric series of a run: ``{"run_id", "metrics": {name: [{"step", "value", "time",
        "stage"?}, ...]}, "total_points"}``.

        Args:
            metric_names: only these metrics (a name the run never logged: :class:`BadRequestError`
                naming the ones it has). Default: every numeric metric, ``system/*`` included.
            limit: reduce each metric to about this many points (>= 3) on the server, keeping the
                curve's shape (LTTB) rather than its first points.
        """
        if isinstance(metric_names, str):
            metric_names = [metric_names]
        body = self.metric_rows(run_id, limit)
        columns = body.get("columns") or []
        if metric_names is not None:
            unknown = [n for n in metric_names if n not in columns or n in ("global_step", "time", "stage")]
            if unknown:
                have = sorted(c for c in columns if c not in ("global_step", "time", "stage"))
                raise errors.BadRequestError(
                    f"Unknown metric name(s): {', '.join(unknown)}; this run has: {', '.join(have) or 'none'}",
                    status_code=None, body=body,
                )
        return {
            "run_id": run_id,
            "metrics": rows_to_series(body.get("rows") or [], metric_names),
            "total_points": body.get("total_points"),
        }

    # ---- exports ---------------------------------------------------------------------------
    def export_csv(self, run_id: str) -> bytes:
        """``GET /api/export/{id}/csv``: one CSV row per logged event."""
        return self._http.request("GET", f"/api/export/{self._segment(run_id)}/csv",
                                  headers={"Accept": "text/csv, */*"}).content

    def export_report(self, run_id: str) -> bytes:
        """``GET /api/export/{id}/report``: a Markdown report of the run."""
        return self._http.request("GET", f"/api/export/{self._segment(run_id)}/report",
                                  params={"format": "markdown"}, headers={"Accept": "text/markdown, */*"}).content

    def media_file(self, run_id: str, path: str) -> bytes:
        """One file below the run's ``media/`` (``path`` as image events give it: ``media/x.png``)."""
        quoted = "/".join(self._segment(part) for part in path.split("/"))
        return self._http.request("GET", f"/api/runs/{self._segment(run_id)}/media/{quoted}",
                                  headers={"Accept": "*/*"}).content

    def export_experiment(self, run_id: str, format: str = "json", include_media: bool = False) -> bytes:  # noqa: A002
        """The run as ``json`` or ``csv`` bytes; a zip archive with its media when ``include_media``
        (layout in :mod:`runicorn.api.exports`)."""
        from .exports import export

        return export(self, run_id, format, include_media)

    # ---- config ----------------------------------------------------------------------------
    def get_config(self) -> Dict[str, Any]:
        """``GET /api/config``: user_root_dir, the storage root served now, the config file."""
        return self._get("/api/config")

    def set_user_root_dir(self, path: Union[str, os.PathLike]) -> Dict[str, Any]:
        """Switch the viewer to another storage root (saved as ``user_root_dir``; re-indexed now)."""
        return self._post("/api/config/user_root_dir", {"path": os.fspath(path)})

    def update_config(self, config: Dict[str, Any]) -> Dict[str, Any]:
        """Change the viewer's configuration: ``{"user_root_dir": "/data/runs"}`` (or ``"path"``)."""
        unknown = sorted(set(config) - {"user_root_dir", "path"})
        if unknown:
            raise ValueError(f"update_config: unknown key(s) {', '.join(unknown)}; only user_root_dir can be set")
        path = config.get("user_root_dir", config.get("path"))
        if path is None:
            raise ValueError("update_config needs {'user_root_dir': <absolute path>}")
        return self.set_user_root_dir(path)

    # ---- the other APIs --------------------------------------------------------------------
    @property
    def artifacts(self) -> ArtifactsAPI:
        """Artifacts: list, versions, lineage, verified downloads."""
        if self._artifacts is None:
            from .artifacts import ArtifactsAPI

            self._artifacts = ArtifactsAPI(self)
        return self._artifacts

    @property
    def remote(self) -> RemoteAPI:
        """Remote viewers over SSH (``/api/remote/*``)."""
        if self._remote is None:
            from .remote import RemoteAPI

            self._remote = RemoteAPI(self)
        return self._remote

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> RunicornClient:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<RunicornClient {self.base_url}>"
