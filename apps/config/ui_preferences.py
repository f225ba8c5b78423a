"""Preferences of the web UI: column widths per table and window size, and dismissed alerts.

Both web UIs use these (the reference's ``/api/config/column-widths`` and ``dismissed-alerts``, and
our experiments table). They are kept where saved SSH connections are kept (see
:mod:`apps.accounts.user_settings`): the user config file in the embedded profile, under the
reference's own keys (``column_widths`` keyed ``"<table>@<size>"``, ``dismissed_alerts``) so a user
who switches viewers keeps them; per signed-in user in the team profile.
"""

from __future__ import annotations

import re
import threading
import time
from typing import Any

from runicorn.config import load_user_config, save_user_config

from apps.accounts import user_settings

from .validation import InvalidField

WIDTHS_KEY = "column_widths"
ALERTS_KEY = "dismissed_alerts"
MAX_COLUMNS = 500
MAX_WIDTH = 100_000  # pixels; the reference takes any integer, a negative one is surely a bug
MAX_ALERTS = 1000
MAX_ENTRIES = 1000  # table@size combinations kept; the oldest go first
_NAME = re.compile(r"^[\w.:-]{1,64}$")  # "experiments", "1400x900"
_COLUMN = re.compile(r"^[^\x00-\x1f\x7f]{1,200}$")
_ALERT = re.compile(r"^[^\x00-\x1f\x7f]{0,200}$")
_lock = threading.RLock()


def _shared_loader(key: str) -> Any:
    return lambda: load_user_config().get(key)


def _load(key: str) -> Any:
    return user_settings.load(key, _shared_loader(key))


def _store(key: str, value: Any) -> None:
    user_settings.save(key, value, lambda v: save_user_config({key: v}))


def clean_name(field: str, value: Any) -> str:
    if not isinstance(value, str) or not _NAME.match(value):
        raise InvalidField(f"{field} must be 1-64 letters, digits, '_', '.', ':' or '-'")
    return value


def clean_widths(value: Any) -> dict[str, int]:
    if not isinstance(value, dict):
        raise InvalidField("widths must be an object of column name to width in pixels")
    if len(value) > MAX_COLUMNS:
        raise InvalidField(f"widths may name at most {MAX_COLUMNS} columns")
    widths: dict[str, int] = {}
    for column, width in value.items():
        if not _COLUMN.match(column):
            raise InvalidField("a column name must be 1-200 printable characters")
        if isinstance(width, bool) or not isinstance(width, int) or not 0 <= width <= MAX_WIDTH:
            raise InvalidField(f"the width of {column[:50]!r} must be an integer from 0 to {MAX_WIDTH}")
        widths[column] = width
    return widths


def _optional_pixels(field: str, value: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_WIDTH:
        raise InvalidField(f"{field} must be an integer from 0 to {MAX_WIDTH}")
    return value


def _entries() -> dict[str, Any]:
    raw = _load(WIDTHS_KEY)
    return {k: v for k, v in raw.items() if isinstance(v, dict)} if isinstance(raw, dict) else {}


def get_column_widths(table: str, size: str) -> dict[str, int]:
    """The saved widths of ``table`` at window ``size`` (``{}`` when none are saved)."""
    entry = _entries().get(f"{table}@{size}") or {}
    widths = entry.get("widths")
    if not isinstance(widths, dict):
        return {}
    # A hand-edited file may hold anything; hand out only what a save would have accepted.
    return {k: v for k, v in widths.items() if isinstance(v, int) and not isinstance(v, bool)}


def save_column_widths(table: str, size: str, widths: dict[str, int],
                       window_width: Any = None, window_height: Any = None) -> None:
    """Replace the widths of ``table`` at ``size`` (the arguments cleaned by the caller or here)."""
    entry = {
        "widths": clean_widths(widths),
        "window_width": _optional_pixels("window_width", window_width),
        "window_height": _optional_pixels("window_height", window_height),
        "updated_at": time.time(),
    }
    key = f"{clean_name('table', table)}@{clean_name('size', size)}"
    with _lock:
        entries = _entries()
        entries.pop(key, None)
        entries[key] = entry
        if len(entries) > MAX_ENTRIES:
            oldest = sorted(entries, key=lambda k: entries[k].get("updated_at") or 0)
            for stale in oldest[: len(entries) - MAX_ENTRIES]:
                del entries[stale]
        _store(WIDTHS_KEY, entries)


def reset_column_widths(table: str, size: str | None = None) -> None:
    """Forget the widths of ``table`` at ``size``, or at every size when ``size`` is None."""
    with _lock:
        entries = _entries()
        kept = {k: v for k, v in entries.items()
                if not (k == f"{table}@{size}" if size is not None else k.startswith(f"{table}@"))}
        if kept != entries:
            _store(WIDTHS_KEY, kept)


def dismissed_alerts() -> list[str]:
    raw = _load(ALERTS_KEY)
    return [a for a in raw if isinstance(a, str)] if isinstance(raw, list) else []


def clean_alert_id(value: Any) -> str:
    if not isinstance(value, str) or not _ALERT.match(value):
        raise InvalidField("alert_id must be a string of at most 200 printable characters")
    return value


def dismiss_alert(alert_id: str) -> None:
    with _lock:
        alerts = dismissed_alerts()
        if alert_id in alerts:
            return
        if len(alerts) >= MAX_ALERTS:
            raise InvalidField(f"at most {MAX_ALERTS} alerts can be dismissed; clear them first")
        _store(ALERTS_KEY, [*alerts, alert_id])


def undismiss_alert(alert_id: str) -> None:
    with _lock:
        alerts = dismissed_alerts()
        if alert_id in alerts:
            _store(ALERTS_KEY, [a for a in alerts if a != alert_id])


def clear_dismissed_alerts() -> None:
    with _lock:
        _store(ALERTS_KEY, [])
