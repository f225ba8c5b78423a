"""A varied storage root for the V2 tests, and the truth about it read back from the files.

``build`` writes runs in the reference layout (through tests.factories, not our SDK); ``truth``
reads every run directory with plain ``json`` and ``os.stat``, independently of the indexer, so
each filter and sort can be checked against what is on disk.
"""

from __future__ import annotations

import json
import os
import random
import socket
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.factories import make_run

PROJECTS = ("vision", "nlp", "audio")
NAMES = ("resnet", "vit", "bert", "wav2vec")
TAGS = ("baseline", "sweep", "prod", "ablation", "Mixed Case")
DESCRIPTIONS = (
    None,
    "ResNet-50 baseline on ImageNet",
    "learning-rate sweep with cosine schedule",
    "Quick smoke test (100% synthetic)",
    "fine_tune from checkpoint_7",
)
STATUSES = ("finished", "finished", "failed", "running", "interrupted")
BASE_TIME = 1_735_689_600.0  # 2025-01-01 00:00 UTC


@dataclass
class Truth:
    run_id: str
    project: str
    name: str
    status: str
    created_at: float
    updated_at: float
    best: float | None
    tags: list[str]
    description: str | None
    summary: dict[str, Any]
    config: dict[str, Any]
    deleted: bool
    extra: dict[str, Any] = field(default_factory=dict)


def make_experiment(
    root: Path,
    project: str = "proj",
    name: str = "exp",
    *,
    tags: list[str] | None = None,
    description: str | None = None,
    config: dict[str, Any] | None = None,
    **kwargs: Any,
) -> Path:
    """A run as the SDK writes it: tags/description in meta.json, config in config.json."""
    meta_extra = dict(kwargs.pop("meta_extra", None) or {})
    if tags is not None:
        meta_extra["tags"] = tags
    if description is not None:
        meta_extra["description"] = description
    run_dir = make_run(root, project, name, meta_extra=meta_extra, **kwargs)
    if config is not None:
        (run_dir / "config.json").write_text(json.dumps(config))
    return run_dir


def _summary(rng: random.Random, i: int) -> dict[str, Any] | None:
    if i % 7 == 0:
        return None  # no summary.json at all
    summary: dict[str, Any] = {"epochs": rng.randint(1, 50)}
    if i % 5 != 0:
        # Unique best values: the sort order by best metric has no ties.
        summary.update(best_metric_value=round(0.5 + i / 1000 + rng.random() / 10000, 6),
                       best_metric_name="val_acc", best_metric_step=rng.randint(1, 99), best_metric_mode="max")
    choice = i % 6
    if choice in (0, 1, 2):
        summary["accuracy"] = round(rng.random(), 4)
    elif choice == 3:
        summary["accuracy"] = "n/a"  # a string where others have numbers
    elif choice == 4:
        summary["accuracy"] = True  # a boolean: never a number in comparisons
    summary["val/loss"] = round(rng.random() * 3, 4)
    if i % 4 == 0:
        summary["scores"] = [1, 2, rng.randint(3, 5)]
    return summary


def _config(rng: random.Random, i: int) -> dict[str, Any] | None:
    if i % 9 == 0:
        return None
    config: dict[str, Any] = {
        "lr": rng.choice([0.1, 0.01, 0.001, 0.0001]),
        "batch_size": rng.choice([32, 64, 128]),
        "optimizer": {"name": rng.choice(["adam", "sgd", "adamw"]), "momentum": rng.choice([0.9, 0.99])},
        "use_amp": rng.random() < 0.5,
        "layers": rng.sample(["conv", "attn", "mlp", "norm"], 2),
    }
    if i % 3 == 0:
        config["lr"] = str(config["lr"])  # a string lr: not a number for comparisons
    return config


def build(root: Path, n: int = 48, seed: int = 7) -> None:
    rng = random.Random(seed)
    for i in range(n):
        tags = sorted(rng.sample(TAGS, rng.randint(0, 3)))
        status = STATUSES[i % len(STATUSES)]
        deleted = None
        if i % 11 == 3:
            deleted = {"deleted_at": BASE_TIME + 10_000 + i, "reason": "user_deleted", "original_status": "finished"}
        run_dir = make_experiment(
            root,
            PROJECTS[i % len(PROJECTS)],
            NAMES[(i // 3) % len(NAMES)],
            # Spread over ~12 days, unique per run.
            created_at=BASE_TIME + i * 21_601.5,
            status=status,
            # A running run of this test process on this host: alive, so never reaped as orphaned.
            pid=os.getpid(),
            hostname=socket.gethostname(),
            summary=_summary(rng, i),
            config=_config(rng, i),
            tags=tags if i % 8 != 1 else None,
            description=DESCRIPTIONS[i % len(DESCRIPTIONS)],
            deleted=deleted,
        )
        # Unique file times so the order by updated_at (the newest file of a run) is known.
        stamp = BASE_TIME + 2_000_000 - i * 37.25
        for entry in os.scandir(run_dir):
            os.utime(entry.path, (stamp, stamp))


def _read(path: Path) -> Any:
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return None


def truth(root: Path) -> list[Truth]:
    """Every run under ``root``, as the files say."""
    runs = []
    for run_dir in sorted(root.glob("*/*/runs/*")):
        meta = _read(run_dir / "meta.json") or {}
        status = _read(run_dir / "status.json") or {}
        summary = _read(run_dir / "summary.json") or {}
        config = _read(run_dir / "config.json") or {}
        newest = max(entry.stat().st_mtime for entry in os.scandir(run_dir) if entry.is_file())
        runs.append(Truth(
            run_id=run_dir.name,
            project=run_dir.parent.parent.parent.name,
            name=run_dir.parent.parent.name,
            status=status.get("status", "running"),
            created_at=meta["created_at"],
            updated_at=newest,
            best=summary.get("best_metric_value"),
            tags=meta.get("tags") or [],
            description=meta.get("description"),
            summary=summary,
            config=config,
            deleted=(run_dir / ".deleted").exists(),
        ))
    return runs


def lookup(doc: dict[str, Any], dotted: str) -> Any:
    """``doc["a"]["b"]`` for ``"a.b"``; ``KeyError`` when a part is missing."""
    value: Any = doc
    for part in dotted.split("."):
        if not isinstance(value, dict) or part not in value:
            raise KeyError(dotted)
        value = value[part]
    return value


def is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def fetch_all(api, **params: Any) -> list[dict[str, Any]]:  # type: ignore[no-untyped-def]
    resp = api.get("/api/v2/experiments", {"per_page": 1000, **params})
    assert resp.status_code == 200, resp.content
    body = resp.json()
    assert body["total"] == len(body["experiments"])
    return body["experiments"]


def ids(items: list[dict[str, Any]]) -> set[str]:
    return {item["id"] for item in items}


def live(runs: list[Truth]) -> list[Truth]:
    return [r for r in runs if not r.deleted]
