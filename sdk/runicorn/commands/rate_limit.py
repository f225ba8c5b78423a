"""``runicorn rate-limit``: the API rate limits a viewer started here applies, and the user's
overrides of them (``rate_limits.json`` in the user config, the reference's file and format)."""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Any, Dict, Optional

from .. import ratelimits
from .common import EXIT_FAILED, EXIT_USAGE, CliError, add_command, confirm, handles_errors

ACTIONS = ("show", "list", "get", "set", "remove", "settings", "reset", "validate")
EXAMPLES = """
  runicorn rate-limit                        the limits in force and where each comes from
  runicorn rate-limit --action set --endpoint "GET /api/runs" --max-requests 300 --window 60
  runicorn rate-limit --action set --endpoint default --max-requests 1200
  runicorn rate-limit --action get --endpoint /api/runs
  runicorn rate-limit --action remove --endpoint "GET /api/runs"
  runicorn rate-limit --action settings --disable      (no limits at all on this machine)
  runicorn rate-limit --action validate
A viewer reads the file when it starts: restart it to apply a change.
"""
RESTART = "A running viewer applies this when it is restarted."


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = add_command(sub, "rate-limit", "show the API rate limits and set overrides in the user config", EXAMPLES)
    p.add_argument("--action", choices=ACTIONS, default="show", help="what to do (default: show)")
    p.add_argument("--endpoint", default=None,
                   help="'default', a route such as /api/runs/{run_id}, or a method and a route: 'GET /api/runs'")
    p.add_argument("--max-requests", type=int, default=None, help="requests allowed per window (set)")
    p.add_argument("--window", type=int, default=60, help="window in seconds (set; default: 60)")
    p.add_argument("--burst", type=int, default=None, help="burst size (kept for the reference; not applied)")
    p.add_argument("--description", default=None, help="a note stored with the limit (set)")
    for flag, key, text in (("enable", "enable_rate_limiting", "rate limiting"),
                            ("log-violations", "log_violations", "logging of refused requests"),
                            ("whitelist-localhost", "whitelist_localhost", "exempting 127.0.0.1")):
        group = p.add_mutually_exclusive_group()
        off = "disable" if flag == "enable" else f"no-{flag}"
        group.add_argument(f"--{flag}", dest=key, action="store_const", const=True, help=f"turn on {text} (settings)")
        group.add_argument(f"--{off}", dest=key, action="store_const", const=False, help=f"turn off {text} (settings)")
    p.add_argument("--force", action="store_true", help="reset without asking")
    p.add_argument("--json", action="store_true", help="print JSON (show, list, get)")
    p.set_defaults(func=run)


@handles_errors
def run(args: argparse.Namespace) -> int:
    handler = {"show": _show, "list": _list, "get": _get, "set": _set, "remove": _remove, "settings": _settings,
               "reset": _reset, "validate": _validate}[args.action]
    return handler(args)


def _user() -> ratelimits.UserLimits:
    try:
        return ratelimits.load()
    except ratelimits.InvalidLimits as exc:
        raise CliError(str(exc)) from None


def _env_overrides() -> Dict[str, Any]:
    raw = os.environ.get("RUNICORN_RATE_LIMITS")
    if not raw:
        return {}
    try:
        data = json.loads(raw)
    except ValueError:
        raise CliError("RUNICORN_RATE_LIMITS is not valid JSON; unset it or fix it") from None
    return data if isinstance(data, dict) else {}


def _in_force() -> Optional[Dict[str, Any]]:
    """The rules and switch of a viewer started from this environment; None without the viewer."""
    try:
        import django  # noqa: F401 - the viewer's own dependency
    except ImportError:
        return None
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "runicorn_site.settings")
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured

    try:
        return {"enabled": settings.RUNICORN_RATE_LIMIT_ENABLED, "rules": dict(settings.RUNICORN_RATE_LIMITS)}
    except ImproperlyConfigured as exc:
        raise CliError(f"the viewer would refuse to start: {exc}") from None
    except ImportError:  # django importable, the viewer's settings not
        return None


def _source(route: str, user: ratelimits.UserLimits, env: Dict[str, Any]) -> str:
    if route in env:
        return "RUNICORN_RATE_LIMITS"
    if route in user.rules:
        return "user file"
    return "built-in"


def _describe(rate: str) -> str:
    count, window = ratelimits.window_of(rate)
    return f"{count} requests / {window} s"


def _show(args: argparse.Namespace) -> int:
    user, env = _user(), _env_overrides()
    force = _in_force()
    path = ratelimits.file_path()
    if force is None:
        rules, enabled = dict(user.rules), user.settings.get("enable_rate_limiting", True)
    else:
        rules, enabled = force["rules"], force["enabled"]
    if args.json:
        print(json.dumps({"enabled": enabled, "file": str(path), "viewer_installed": force is not None,
                          "rules": {r: {"rate": rate, "source": _source(r, user, env)} for r, rate in rules.items()},
                          "settings": user.settings}, indent=2))
        return 0
    switch = "on" if enabled else "off"
    if os.environ.get("RUNICORN_RATE_LIMIT_ENABLED") is not None:
        switch += " (RUNICORN_RATE_LIMIT_ENABLED)"
    elif "enable_rate_limiting" in user.settings:
        switch += " (user file)"
    print(f"Rate limiting: {switch}")
    print(f"Overrides file: {path}" + ("" if user.exists else " (none yet)"))
    if force is None:
        print("The viewer is not installed here: only the overrides are shown; its built-in limits apply as well.")
    print("Limits per client address and route:")
    for route in sorted(rules, key=lambda r: (r != "default", r.rpartition(" ")[2], r)):
        note = f"  ({user.descriptions[route]})" if route in user.descriptions else ""
        print(f"  {route:<42} {rules[route]:>8}  {_describe(rules[route]):<24} {_source(route, user, env)}{note}")
    return 0


def _list(args: argparse.Namespace) -> int:
    user = _user()
    if args.json:
        print(json.dumps(user.rules, indent=2))
    elif not user.rules:
        print("No overrides: the built-in limits apply (`--action set` adds one).")
    else:
        for route, rate in user.rules.items():
            print(f"{route:<42} {rate:>8}  {_describe(rate)}")
    return 0


def _need_endpoint(args: argparse.Namespace) -> str:
    if not args.endpoint:
        raise CliError(f"--action {args.action} needs --endpoint ROUTE (e.g. 'GET /api/runs' or default)", EXIT_USAGE)
    endpoint = " ".join(args.endpoint.split())
    method, _, path = endpoint.rpartition(" ")
    endpoint = f"{method.upper()} {path}" if method else endpoint
    error = ratelimits.route_error(endpoint)
    if error:
        raise CliError(f"--endpoint {error}", EXIT_USAGE)
    return endpoint


def _get(args: argparse.Namespace) -> int:
    endpoint = _need_endpoint(args)
    user, env = _user(), _env_overrides()
    force = _in_force()
    rules = force["rules"] if force else user.rules
    method, _, path = endpoint.rpartition(" ")
    # The viewer's lookup order: "METHOD /route", then "/route", then "default".
    candidates = [endpoint] if method else []
    candidates += [path, "default"] if endpoint != "default" else ["default"]
    for route in candidates:
        if route in rules:
            if args.json:
                print(json.dumps({"endpoint": endpoint, "rule": route, "rate": rules[route],
                                  "source": _source(route, user, env)}))
            else:
                via = "" if route == endpoint else f" (from the rule for {route})"
                print(f"{endpoint}: {rules[route]} = {_describe(rules[route])}{via}, {_source(route, user, env)}")
            return 0
    print(f"{endpoint}: no override (the viewer's built-in limits apply)")
    return 0


def _edit(change: Any) -> None:
    data = ratelimits.read_raw()
    change(data)
    try:
        path = ratelimits.save_raw(data)
    except ratelimits.InvalidLimits as exc:
        raise CliError(f"{exc}; nothing was changed", EXIT_USAGE) from None
    print(f"Saved {path}. {RESTART}")


def _set(args: argparse.Namespace) -> int:
    endpoint = _need_endpoint(args)
    if args.max_requests is None or args.max_requests <= 0:
        raise CliError("--action set needs --max-requests N (a positive number)", EXIT_USAGE)
    if args.window <= 0:
        raise CliError("--window must be a positive number of seconds", EXIT_USAGE)
    entry: Dict[str, Any] = {"max_requests": args.max_requests, "window_seconds": args.window,
                             "burst_size": args.burst}
    if args.description:
        entry["description"] = args.description

    def change(data: Dict[str, Any]) -> None:
        if endpoint == "default":
            data["default"] = entry
        else:
            data.setdefault("endpoints", {})[endpoint] = entry

    _edit(change)
    print(f"{endpoint}: {ratelimits.rate_of(args.max_requests, args.window)} = "
          f"{args.max_requests} requests / {args.window} s")
    return 0


def _remove(args: argparse.Namespace) -> int:
    endpoint = _need_endpoint(args)
    data = ratelimits.read_raw()
    present = (endpoint == "default" and "default" in data) or endpoint in (data.get("endpoints") or {})
    if not present:
        print(f"error: {endpoint} has no override; nothing to remove", file=sys.stderr)
        return EXIT_FAILED

    def change(data: Dict[str, Any]) -> None:
        if endpoint == "default":
            data.pop("default")
        else:
            data["endpoints"].pop(endpoint)

    _edit(change)
    return 0


def _settings(args: argparse.Namespace) -> int:
    wanted = {key: getattr(args, key) for key in ratelimits.SETTING_KEYS if getattr(args, key) is not None}
    if not wanted:
        user = _user()
        for key in ratelimits.SETTING_KEYS:
            value = user.settings.get(key)
            print(f"{key}: {'not set' if value is None else str(value).lower()}")
        return 0
    _edit(lambda data: data.setdefault("settings", {}).update(wanted))
    for key, value in wanted.items():
        print(f"{key}: {str(value).lower()}")
    if set(wanted) - {"enable_rate_limiting"}:
        print("note: log_violations and whitelist_localhost are kept for the reference; this viewer logs every "
              "refusal and limits every client alike")
    return 0


def _reset(args: argparse.Namespace) -> int:
    path = ratelimits.file_path()
    if not path.exists():
        print("No overrides file; the built-in limits already apply.")
        return 0
    if not args.force and not confirm(f"Remove {path} and go back to the built-in limits?"):
        print("Cancelled: nothing was changed.")
        return EXIT_FAILED
    path.unlink()
    print(f"Removed {path}. {RESTART}")
    return 0


def _validate(args: argparse.Namespace) -> int:
    path = ratelimits.file_path()
    if not path.exists():
        print(f"No overrides file at {path}; nothing to check.")
        return 0
    _user()
    env = _env_overrides()
    for route, rate in env.items():
        error = ratelimits.route_error(route) or ratelimits.rate_error(rate)
        if error:
            raise CliError(f"RUNICORN_RATE_LIMITS[{route!r}] {error}")
    print(f"{path} is valid.")
    return 0
