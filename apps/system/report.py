"""``GET /api/export/{run_id}/report``: one run as a Markdown document a person can file away.

Sections: the run (status, times, host), its best metric, the final value of every metric (with
min, max and count, from one streaming pass over events.jsonl), the summary, the config and the
environment it ran in. Whatever the run lacks is left out rather than printed as blanks. Text that
comes from the run's files is escaped, so a metric called ``a|b`` cannot break a table.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterable
from typing import Any

import orjson

from .exports import FoundRun, metric_stats, read_environment

BEST_METRIC_KEYS = frozenset({"best_metric_value", "best_metric_name", "best_metric_step", "best_metric_mode"})
KEY_PACKAGES = ("torch", "tensorflow", "jax", "numpy", "scikit-learn", "transformers", "lightning", "runicorn")


def _escape(value: Any) -> str:
    text = value if isinstance(value, str) else _plain(value)
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\r", " ").replace("\n", " ")


def _plain(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:.6g}" if math.isfinite(value) else str(value)
    if isinstance(value, int | str):
        return str(value)
    return orjson.dumps(value, option=orjson.OPT_SORT_KEYS).decode()


def _when(ts: float | None) -> str:
    if ts is None:
        return "—"
    return time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(ts))


def _duration(seconds: float) -> str:
    minutes, secs = divmod(int(round(seconds)), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h {minutes:02d}m {secs:02d}s" if hours else f"{minutes}m {secs:02d}s"


def _table(header: Iterable[str], rows: Iterable[Iterable[Any]]) -> list[str]:
    head = list(header)
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(_escape(cell) for cell in row) + " |" for row in rows]
    return lines + [""]


def _bullets(items: Iterable[tuple[str, Any]]) -> list[str]:
    return [f"- **{label}**: {_escape(value)}" for label, value in items if value not in (None, "", [], {})] + [""]


def _run_section(found: FoundRun) -> list[str]:
    run = found.row
    duration = None
    if run.started_at is not None and run.ended_at is not None and run.ended_at >= run.started_at:
        duration = _duration(run.ended_at - run.started_at)
    return [f"# Run report: {_escape(run.project)} / {_escape(run.name)} / {run.run_id}", ""] + _bullets(
        [
            ("Status", run.status + (f" ({run.exit_reason})" if run.exit_reason else "")),
            ("Created", _when(run.created_at)),
            ("Started", _when(run.started_at) if run.started_at is not None else None),
            ("Ended", _when(run.ended_at) if run.ended_at is not None else None),
            ("Duration", duration),
            ("Host", run.hostname),
            ("Python", run.python),
            ("Platform", run.platform),
            ("Tags", ", ".join(str(t) for t in run.tags) if isinstance(run.tags, list) else None),
            ("Description", run.description),
            ("Directory", run.run_dir),
        ]
    )


def _best_section(found: FoundRun) -> list[str]:
    run = found.row
    if run.best_metric_name is None:
        return []
    mode = f" ({run.best_metric_mode})" if run.best_metric_mode else ""
    step = f" at step {run.best_metric_step}" if run.best_metric_step is not None else ""
    return ["## Best metric", "", f"**{_escape(run.best_metric_name)}**{mode}: "
            f"{_escape(run.best_metric_value)}{step}", ""]


def _final_values_section(found: FoundRun) -> list[str]:
    stats = metric_stats(found.events)
    if not stats:
        return ["## Final values", "", "No metrics were logged.", ""]
    rows = [(name, s.last, s.last_step, s.minimum, s.maximum, s.count) for name, s in stats.items()]
    return ["## Final values", ""] + _table(["Metric", "Final", "At step", "Min", "Max", "Points"], rows)


def _mapping_section(title: str, mapping: Any, skip: frozenset[str] = frozenset()) -> list[str]:
    if not isinstance(mapping, dict):
        return []
    rows = [(key, value) for key, value in sorted(mapping.items()) if key not in skip]
    if not rows:
        return []
    return [f"## {title}", ""] + _table(["Key", "Value"], rows)


def _environment_section(found: FoundRun) -> list[str]:
    answer = read_environment(found.dir)
    if not answer["available"]:
        reason = answer.get("reason", "this run did not capture it (capture_env=True)")
        return ["## Environment", "", f"Not available: {_escape(reason)}.", ""]
    env = answer["environment"]
    git = env.get("git_info") if isinstance(env.get("git_info"), dict) else {}
    gpus = env.get("gpu_info") if isinstance(env.get("gpu_info"), list) else []
    memory = env.get("memory_total_bytes")
    lines = ["## Environment", ""] + _bullets(
        [
            ("Python", env.get("python_version")),
            ("Platform", env.get("platform")),
            ("Host", env.get("hostname")),
            ("CPUs", env.get("cpu_count")),
            ("Memory", f"{memory / 2**30:.1f} GiB" if isinstance(memory, int | float) else None),
            ("Conda env", env.get("conda_env") or env.get("conda_default_env")),
            ("Git commit", git.get("commit")),
            ("Git branch", git.get("branch")),
            ("Uncommitted changes", git.get("has_changes")),
            ("Git remote", git.get("remote")),
            ("GPUs", ", ".join(str(g.get("name", g)) for g in gpus if isinstance(g, dict)) or None),
        ]
    )
    packages = _packages(env)
    key_rows = [(name, packages[name]) for name in KEY_PACKAGES if name in packages]
    if key_rows:
        lines += ["### Key packages", ""] + _table(["Package", "Version"], key_rows)
    if packages:
        lines += [f"{len(packages)} packages installed in all (see environment.json).", ""]
    return lines


def _packages(env: dict[str, Any]) -> dict[str, str]:
    """name -> version from our SDK's ``packages`` dict or the reference's ``pip_packages`` list."""
    found: dict[str, str] = {}
    if isinstance(env.get("packages"), dict):
        found.update({str(k).lower(): str(v) for k, v in env["packages"].items()})
    for spec in env.get("pip_packages") or []:
        if isinstance(spec, str) and "==" in spec:
            name, _, version = spec.partition("==")
            found.setdefault(name.strip().lower(), version.strip())
    return found


def markdown_report(found: FoundRun) -> str:
    lines: list[str] = []
    lines += _run_section(found)
    lines += _best_section(found)
    lines += _final_values_section(found)
    lines += _mapping_section("Summary", found.row.summary, skip=BEST_METRIC_KEYS)
    lines += _mapping_section("Config", found.row.config)
    lines += _environment_section(found)
    lines += [f"_Generated by Runicorn on {_when(time.time())}._", ""]
    return "\n".join(lines)
