"""HTTP for the API client: one ``requests.Session``, the token, retries, and typed errors.

Retries (``max_retries`` more attempts after the first, waits ``backoff_factor * 2**n`` seconds
up to ``max_backoff``):

* a connection that could not be made (refused, connect timeout, DNS) -- any method, since
  nothing reached the server;
* a dropped connection or read timeout, and 500/502/503/504 -- safe methods only (GET, HEAD,
  PUT, DELETE, OPTIONS), so a POST is never applied twice;
* 429 -- any method (the rate limiter refused it before it ran), after ``Retry-After`` seconds
  when the server sends it. A ``Retry-After`` longer than ``max_retry_wait`` is not slept
  through: :class:`RateLimitError` is raised at once with ``retry_after`` set.
"""

from __future__ import annotations

import email.utils
import logging
import time
from collections.abc import Collection
from typing import Any, Dict, Optional

try:
    import requests
except ImportError as exc:  # pragma: no cover - exercised only where requests is missing
    raise ImportError(
        "runicorn.api needs the 'requests' package: pip install 'runicorn[api]' (or pip install requests)"
    ) from exc

from urllib3.exceptions import ConnectTimeoutError, NewConnectionError

from . import exceptions as errors

logger = logging.getLogger("runicorn.api")

SAFE_METHODS = frozenset({"GET", "HEAD", "PUT", "DELETE", "OPTIONS"})
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
_BY_STATUS = {
    400: errors.BadRequestError,
    401: errors.AuthenticationError,
    403: errors.PermissionDeniedError,
    404: errors.NotFoundError,
    409: errors.ConflictError,
    429: errors.RateLimitError,
}


def _never_sent(exc: BaseException) -> bool:
    """True when the connection was never made, so the server cannot have seen the request."""
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return True
    seen: set = set()
    stack = [exc]
    while stack:
        current = stack.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, (NewConnectionError, ConnectTimeoutError)):
            return True
        stack.extend(arg for arg in getattr(current, "args", ()) if isinstance(arg, BaseException))
        reason = getattr(current, "reason", None)
        if isinstance(reason, BaseException):
            stack.append(reason)
        for linked in (current.__cause__, current.__context__):
            if linked is not None:
                stack.append(linked)
    return False


def retry_after_seconds(response: requests.Response) -> Optional[float]:
    """``Retry-After`` in seconds (a number or an HTTP date); None when absent or unreadable."""
    raw = response.headers.get("Retry-After")
    if not raw:
        return None
    raw = raw.strip()
    try:
        return max(0.0, float(raw))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(raw)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def _decode(response: requests.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


def error_for(response: requests.Response, method: str) -> errors.RunicornAPIError:
    """The typed error for a 4xx/5xx answer, with the server's message and code."""
    body = _decode(response)
    detail: Optional[str] = None
    code: Optional[str] = None
    host_key: Optional[Dict[str, Any]] = None
    if isinstance(body, dict):
        raw = body.get("detail")
        if isinstance(raw, dict):  # the Remote API's host key 409: {"detail": {"code", "message", "host_key"}}
            detail = raw.get("message") if isinstance(raw.get("message"), str) else None
            code = raw.get("code") if isinstance(raw.get("code"), str) else None
            host_key = raw.get("host_key") if isinstance(raw.get("host_key"), dict) else None
        elif isinstance(raw, str):
            detail = raw
        if detail is None and isinstance(body.get("message"), str):
            detail = body["message"]
        if isinstance(body.get("error"), str):
            code = body["error"]
    if detail is None:
        text = response.text.strip() if response.content else ""
        detail = text[:500] or response.reason or f"HTTP {response.status_code}"
    status = response.status_code
    path = requests.utils.urlparse(response.url).path if response.url else ""
    message = f"{status} on {method} {path}: {detail}"
    common: Dict[str, Any] = {"status_code": status, "detail": detail, "code": code, "body": body,
                              "method": method, "url": response.url}
    if status == 409 and (host_key is not None or (code or "").lower() == "host_key_confirmation_required"):
        return errors.HostKeyConfirmationRequiredError(message, host_key=host_key, **common)
    if status == 429:
        return errors.RateLimitError(message, retry_after=retry_after_seconds(response), **common)
    if status >= 500:
        return errors.ServerError(message, **common)
    return _BY_STATUS.get(status, errors.RunicornAPIError)(message, **common)


class Transport:
    """Sends requests to one viewer; see the module docstring for what is retried."""

    def __init__(self, base_url: str, *, timeout: float = 30, max_retries: int = 3, token: Optional[str] = None,
                 backoff_factor: float = 0.5, max_backoff: float = 8.0, max_retry_wait: float = 60.0,
                 session: Optional[requests.Session] = None) -> None:
        if max_retries < 0:
            raise ValueError(f"max_retries must be 0 or more, got {max_retries}")
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.max_retries = int(max_retries)
        self.backoff_factor = backoff_factor
        self.max_backoff = max_backoff
        self.max_retry_wait = max_retry_wait
        self.session = session or requests.Session()
        self.session.headers["Accept"] = "application/json"
        if token:
            self.session.headers["Authorization"] = f"Bearer {token}"
        self.sleep = time.sleep  # one place to wait, so a test can count the waits

    def backoff(self, attempt: int) -> float:
        return min(self.max_backoff, self.backoff_factor * (2 ** attempt))

    def request(self, method: str, path: str, *, params: Optional[Dict[str, Any]] = None, json: Any = None,
                stream: bool = False, retry_statuses: Collection[int] = RETRY_STATUSES,
                headers: Optional[Dict[str, str]] = None) -> requests.Response:
        """The response of a 2xx/3xx answer; a typed :class:`RunicornAPIError` otherwise."""
        method = method.upper()
        url = self.base_url + path
        safe = method in SAFE_METHODS
        attempt = 0
        while True:
            try:
                response = self.session.request(method, url, params=params, json=json, stream=stream,
                                                timeout=self.timeout, headers=headers)
            except requests.exceptions.RequestException as exc:
                retriable = isinstance(exc, (requests.exceptions.ConnectionError, requests.exceptions.Timeout))
                if retriable and attempt < self.max_retries and (safe or _never_sent(exc)):
                    wait = self.backoff(attempt)
                    logger.info("runicorn.api: %s %s failed (%s); retry %d in %.1f s", method, path, exc,
                                attempt + 1, wait)
                    self.sleep(wait)
                    attempt += 1
                    continue
                raise errors.ConnectionError(f"{method} {url} failed: {exc}", method=method, url=url) from exc
            status = response.status_code
            if status < 400:
                return response
            may_retry = status in retry_statuses and (safe or status == 429)
            if may_retry and attempt < self.max_retries:
                wait = retry_after_seconds(response)
                if wait is None:
                    wait = self.backoff(attempt)
                elif wait > self.max_retry_wait:  # the caller decides what to do with a long wait
                    raise error_for(response, method)
                response.close()
                logger.info("runicorn.api: %s %s answered %d; retry %d in %.1f s", method, path, status,
                            attempt + 1, wait)
                self.sleep(wait)
                attempt += 1
                continue
            raise error_for(response, method)

    def json(self, method: str, path: str, **kwargs: Any) -> Any:
        response = self.request(method, path, **kwargs)
        body = _decode(response)
        if body is None and response.content:
            raise errors.RunicornAPIError(
                f"{method} {path}: the answer is not JSON ({response.headers.get('Content-Type')})",
                status_code=response.status_code, method=method, url=response.url,
            )
        return body

    def close(self) -> None:
        self.session.close()
