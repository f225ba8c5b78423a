"""Python client of the Runicorn viewer's REST API (``pip install 'runicorn[api]'``: needs requests).

    import runicorn.api as api

    with api.connect("http://127.0.0.1:23300") as client:
        runs = client.list_experiments(project="vision", status="finished", limit=100)
        curves = client.get_metrics(runs[0]["id"], metric_names=["loss"])
        client.artifacts.download("resnet50:production", "./weights")

The team profile needs an API token: ``connect(token=...)`` or the ``RUNICORN_API_TOKEN``
environment variable. Errors are typed (:mod:`runicorn.api.exceptions`); connection failures,
5xx and 429 answers are retried with exponential backoff (:mod:`runicorn.api.transport`).
"""

from __future__ import annotations

from typing import Optional

from . import utils  # noqa: F401 - ``api.utils.metrics_to_dataframe`` as the reference offers it
from .client import DEFAULT_URL, RunicornClient
from .exceptions import (
    AuthenticationError,
    BadRequestError,
    ConflictError,
    ConnectionError,
    HostKeyConfirmationRequiredError,
    IntegrityError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    RunicornAPIError,
    RunicornConnectionError,
    ServerError,
)

__all__ = [
    "AuthenticationError",
    "BadRequestError",
    "ConflictError",
    "ConnectionError",
    "HostKeyConfirmationRequiredError",
    "IntegrityError",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitError",
    "RunicornAPIError",
    "RunicornClient",
    "RunicornConnectionError",
    "ServerError",
    "connect",
    "utils",
]


def connect(base_url: str = DEFAULT_URL, timeout: float = 30, max_retries: int = 3,
            token: Optional[str] = None, **options: object) -> RunicornClient:
    """A client of the viewer at ``base_url``, checked with ``GET /api/health`` (a wrong URL or a
    stopped viewer raises :class:`ConnectionError` here, after the retries).

    Args:
        timeout: seconds per request. max_retries: retries after the first attempt.
        token: API token (team profile); default ``RUNICORN_API_TOKEN`` from the environment.
        options: ``backoff_factor`` (0.5 s), ``max_retry_wait`` (60 s), ``check_connection`` (True).
    """
    return RunicornClient(base_url, timeout=timeout, max_retries=max_retries, token=token, **options)  # type: ignore[arg-type]
