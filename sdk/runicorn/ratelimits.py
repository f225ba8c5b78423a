"""The viewer's API rate limits: the built-in ones and the user's overrides in ``rate_limits.json``.

The overrides file sits beside config.json (``$XDG_CONFIG_HOME/runicorn/rate_limits.json``) in the
reference's format, so a file written by the reference's ``runicorn rate-limit`` keeps working::

    {"default": {"max_requests": 600, "window_seconds": 60, "burst_size": null},
     "endpoints": {"/api/runs": {"max_requests": 100, "window_seconds": 60, ...}},
     "settings": {"enable_rate_limiting": true, "log_violations": true, "whitelist_localhost": false}}

The viewer builds its rules at start as its built-in rules (``runicorn_site.settings``) < this
file < the ``RUNICORN_RATE_LIMITS`` environment variable. A rule is ``"count/period"``
(``"100/m"``, ``"50/30s"``) for ``"default"``, a route (``"/api/runs/{run_id}"``) or a method
and a route (``"GET /api/runs"``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Optional

from .config import config_dir
from .jsonio import atomic_write_json, read_json

FILE_NAME = "rate_limits.json"
METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")
_RATE = re.compile(r"^(\d+)/(\d*)([smhd])$")
_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}

SETTING_KEYS = ("enable_rate_limiting", "log_violations", "whitelist_localhost")


class InvalidLimits(ValueError):
    """A rate-limits file or rule that cannot be used; the message names the file and the fix."""


def file_path() -> Path:
    return config_dir() / FILE_NAME


def rate_error(rate: object) -> Optional[str]:
    """Why ``rate`` is not a usable ``"count/period"`` rule, or None."""
    if not isinstance(rate, str) or not _RATE.match(rate) or rate.startswith("0/"):
        return (f"must look like '100/m' (a positive count per period: s, m, h or d, optionally with a "
                f"multiplier such as '10/5m'); got {rate!r}")
    return None


def route_error(route: object) -> Optional[str]:
    """Why ``route`` is not ``"default"``, ``"/api/route"`` or ``"METHOD /api/route"``, or None."""
    if route == "default":
        return None
    if isinstance(route, str):
        method, _, path = route.rpartition(" ")
        if path.startswith("/") and (not method or method in METHODS):
            return None
    return f"{route!r} must be 'default', '/api/route' or 'METHOD /api/route'"


def with_overrides(base: Dict[str, str], overrides: Dict[str, str]) -> Dict[str, str]:
    """``base`` with ``overrides`` applied; an override of a bare route (``"/api/runs"``, the
    reference's form) also replaces base rules for that route with a method (``"GET /api/runs"``),
    which would otherwise be looked up first and win."""
    merged = {route: rate for route, rate in base.items()
              if not (" " in route and route.rpartition(" ")[2] in overrides)}
    merged.update(overrides)
    return merged


def rate_of(max_requests: int, window_seconds: int) -> str:
    """The rule for ``max_requests`` per ``window_seconds``, in the shortest unit that fits."""
    for unit in ("d", "h", "m"):
        if window_seconds % _SECONDS[unit] == 0:
            count = window_seconds // _SECONDS[unit]
            return f"{max_requests}/{'' if count == 1 else count}{unit}"
    return f"{max_requests}/{window_seconds}s"


def window_of(rate: str) -> tuple:
    """``(max_requests, window_seconds)`` of a valid rule."""
    match = _RATE.match(rate)
    assert match is not None, rate
    return int(match.group(1)), int(match.group(2) or 1) * _SECONDS[match.group(3)]


@dataclass
class UserLimits:
    """What the overrides file holds; empty when there is no file."""

    rules: Dict[str, str] = field(default_factory=dict)
    descriptions: Dict[str, str] = field(default_factory=dict)
    settings: Dict[str, bool] = field(default_factory=dict)
    burst: Dict[str, int] = field(default_factory=dict)  # kept for the reference; not applied here
    exists: bool = False


def _positive(value: Any, where: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
        raise InvalidLimits(f"{where} must be a positive whole number, got {value!r}")
    return value


def _limit(entry: Any, where: str) -> tuple:
    if not isinstance(entry, dict):
        raise InvalidLimits(f"{where} must be an object with max_requests and window_seconds")
    count = _positive(entry.get("max_requests"), f"{where}.max_requests")
    window = _positive(entry.get("window_seconds", 60), f"{where}.window_seconds")
    burst = entry.get("burst_size")
    return rate_of(count, window), burst if isinstance(burst, int) and not isinstance(burst, bool) else None


def parse(data: Any, source: str = FILE_NAME) -> UserLimits:
    """The overrides in ``data`` (the parsed file); InvalidLimits says what is wrong and where."""
    if not isinstance(data, dict):
        raise InvalidLimits(f"{source} must hold a JSON object")
    limits = UserLimits(exists=True)
    entries: List[tuple] = []
    if data.get("default") is not None:
        entries.append(("default", data["default"]))
    endpoints = data.get("endpoints") or {}
    if not isinstance(endpoints, dict):
        raise InvalidLimits(f"{source}: endpoints must be an object of route -> limit")
    entries.extend(endpoints.items())
    for route, entry in entries:
        error = route_error(route)
        if error:
            raise InvalidLimits(f"{source}: endpoint {error}")
        where = f"{source}: {'default' if route == 'default' else 'endpoints[' + repr(route) + ']'}"
        limits.rules[route], burst = _limit(entry, where)
        if burst is not None:
            limits.burst[route] = burst
        if isinstance(entry.get("description"), str):
            limits.descriptions[route] = entry["description"]
    settings = data.get("settings") or {}
    if not isinstance(settings, dict):
        raise InvalidLimits(f"{source}: settings must be an object")
    for key in SETTING_KEYS:
        if key in settings:
            if not isinstance(settings[key], bool):
                raise InvalidLimits(f"{source}: settings.{key} must be true or false, got {settings[key]!r}")
            limits.settings[key] = settings[key]
    return limits


def load(path: Optional[Path] = None) -> UserLimits:
    """The user's overrides; an empty UserLimits when there is no file, InvalidLimits when it is broken."""
    path = path or file_path()
    if not path.exists():
        return UserLimits()
    data = read_json(path)
    if data is None:
        raise InvalidLimits(f"{path} is not valid JSON; fix it, or `runicorn rate-limit --action reset`")
    try:
        return parse(data, str(path))
    except InvalidLimits as exc:
        raise InvalidLimits(f"{exc}; fix it with `runicorn rate-limit --action set ...` or `--action reset`") from None


def read_raw(path: Optional[Path] = None) -> Dict[str, Any]:
    data = read_json(path or file_path())
    return data if isinstance(data, dict) else {}


def save_raw(data: Dict[str, Any], path: Optional[Path] = None) -> Path:
    """Write the file (checked first, so a command never leaves a file the viewer would refuse)."""
    path = path or file_path()
    parse(data, str(path))
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_json(path, data)
    return path
