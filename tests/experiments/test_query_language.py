"""The q= query language: valid queries against the truth from the files, errors with positions,
and injection attempts that stay plain data."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from apps.runs.models import Run
from tests.experiments.dataset import BASE_TIME, Truth, fetch_all, ids, is_number, live, lookup

pytestmark = pytest.mark.django_db


def num(doc: dict[str, Any], key: str) -> float | None:
    try:
        value = lookup(doc, key)
    except KeyError:
        return None
    return value if is_number(value) else None


def val(doc: dict[str, Any], key: str) -> Any:
    try:
        return lookup(doc, key)
    except KeyError:
        return KeyError


def cmp(doc: dict[str, Any], key: str, test: Callable[[float], bool]) -> bool:
    value = num(doc, key)
    return value is not None and test(value)


JAN5, JAN8 = 1_736_035_200.0, 1_736_294_400.0  # 2025-01-05 and 2025-01-08, 00:00 UTC
MID_UPDATE = BASE_TIME + 2_000_000 - 20 * 37.25

VALID: list[tuple[str, Callable[[Truth], bool]]] = [
    ('project = "vision"', lambda r: r.project == "vision"),
    ("project == 'vision'", lambda r: r.project == "vision"),
    ('project != "vision"', lambda r: r.project != "vision"),
    ('project <> "vision"', lambda r: r.project != "vision"),
    ('status in ("finished", "failed")', lambda r: r.status in ("finished", "failed")),
    ('status not in ("finished")', lambda r: r.status != "finished"),
    ('not status = "finished"', lambda r: r.status != "finished"),
    ("summary.accuracy > 0.5", lambda r: cmp(r.summary, "accuracy", lambda v: v > 0.5)),
    # Strings and booleans stored under the same key are never numbers.
    ("summary.accuracy >= 0", lambda r: num(r.summary, "accuracy") is not None),
    ("not summary.accuracy >= 0", lambda r: num(r.summary, "accuracy") is None),
    ("summary.accuracy = true", lambda r: val(r.summary, "accuracy") is True),
    ('summary.accuracy = "n/a"', lambda r: val(r.summary, "accuracy") == "n/a"),
    ("summary.accuracy < 1e9", lambda r: num(r.summary, "accuracy") is not None),
    ("config.lr <= 0.01", lambda r: cmp(r.config, "lr", lambda v: v <= 0.01)),
    ("config.lr != 0.01", lambda r: cmp(r.config, "lr", lambda v: v != 0.01)),
    ('config.lr = "0.01"', lambda r: val(r.config, "lr") == "0.01"),
    ("config.batch_size in (32, 64)", lambda r: num(r.config, "batch_size") in (32, 64)),
    ('config.optimizer.name = "adam"', lambda r: val(r.config, "optimizer.name") == "adam"),
    ("config.optimizer.momentum > 0.95", lambda r: cmp(r.config, "optimizer.momentum", lambda v: v > 0.95)),
    ("config.use_amp = true", lambda r: val(r.config, "use_amp") is True),
    ("config.use_amp != true", lambda r: val(r.config, "use_amp") is False),
    ('config.layers contains "attn"', lambda r: "attn" in (r.config.get("layers") or [])),
    ("summary.scores contains 5", lambda r: 5 in (r.summary.get("scores") or [])),
    ('summary."val/loss" < 1.5', lambda r: cmp(r.summary, "val/loss", lambda v: v < 1.5)),
    ("summary.scores exists", lambda r: "scores" in r.summary),
    ('tags contains "baseline"', lambda r: "baseline" in r.tags),
    ('tags contains "Mixed Case"', lambda r: "Mixed Case" in r.tags),
    ('tags in ("prod", "sweep")', lambda r: bool({"prod", "sweep"} & set(r.tags))),
    ("tags exists", lambda r: bool(r.tags)),
    ("not tags exists", lambda r: not r.tags),
    ('description contains "SWEEP"', lambda r: "sweep" in (r.description or "").lower()),
    ('description contains "100%"', lambda r: "100%" in (r.description or "")),
    ('description contains "_"', lambda r: "_" in (r.description or "")),
    ("description exists", lambda r: r.description is not None),
    ('created_at >= "2025-01-05" and created_at < "2025-01-08"', lambda r: JAN5 <= r.created_at < JAN8),
    (f"created_at > {BASE_TIME + 30 * 21_601.5}", lambda r: r.created_at > BASE_TIME + 30 * 21_601.5),
    (f"updated_at <= {MID_UPDATE}", lambda r: r.updated_at <= MID_UPDATE),
    ("best_metric_value > 0.52 or best_metric_value < 0.505",
     lambda r: r.best is not None and (r.best > 0.52 or r.best < 0.505)),
    ("summary.best_metric_value > 0.52", lambda r: r.best is not None and r.best > 0.52),
    ("best_metric_step >= 50.5", lambda r: cmp(r.summary, "best_metric_step", lambda v: v >= 51)),
    ("best_metric_step < 50.5", lambda r: cmp(r.summary, "best_metric_step", lambda v: v <= 50)),
    ('project = "vision" or project = "nlp" and status = "failed"',
     lambda r: r.project == "vision" or (r.project == "nlp" and r.status == "failed")),
    ('(project = "vision" or project = "nlp") and status = "failed"',
     lambda r: r.project in ("vision", "nlp") and r.status == "failed"),
    ('NOT (tags contains "prod" OR tags contains "sweep")', lambda r: not ({"prod", "sweep"} & set(r.tags))),
    ("summary.missing > 0", lambda r: False),
    ("not summary.missing exists", lambda r: True),
    ("deleted = false", lambda r: True),
    ('name = "vit" and not config.optimizer.name in ("adam", "sgd")',
     lambda r: r.name == "vit" and val(r.config, "optimizer.name") not in ("adam", "sgd")),
    ('project = "vision" and status in ("finished","failed") and summary.accuracy > 0.3 '
     'and config.lr <= 0.01 and tags contains "Mixed Case"',
     lambda r: r.project == "vision" and r.status in ("finished", "failed")
     and cmp(r.summary, "accuracy", lambda v: v > 0.3) and cmp(r.config, "lr", lambda v: v <= 0.01)
     and "Mixed Case" in r.tags),
]


@pytest.mark.parametrize(("q", "predicate"), VALID, ids=[q for q, _ in VALID])
def test_a_query_matches_the_files(api, runs, paths, q, predicate):
    assert ids(fetch_all(api, q=q)) == {r.run_id for r in live(runs) if predicate(r)}


def test_the_table_is_not_trivial(runs):
    sizes = [sum(1 for r in live(runs) if p(r)) for _, p in VALID]
    assert sum(1 for s in sizes if 0 < s < len(live(runs))) >= len(VALID) - 6


def test_q_combines_with_the_other_filters(api, runs):
    got = ids(fetch_all(api, q="config.lr <= 0.01", project="audio", tags="baseline"))
    assert got == {r.run_id for r in live(runs)
                   if r.project == "audio" and "baseline" in r.tags and cmp(r.config, "lr", lambda v: v <= 0.01)}


def test_a_run_id_can_be_looked_up(api, runs):
    target = live(runs)[3]
    assert ids(fetch_all(api, q=f'id = "{target.run_id}"')) == {target.run_id}


INJECTIONS = [
    "name = \"x' OR '1'='1\"",
    'name = "\\"; DROP TABLE runs_run; --"',
    "project = 'vision\\' OR 1=1 --'",
    "config.optimizer.name = \"adam' --\"",
    'summary."a\'); DROP TABLE experiments_facet; --" > 0',
    'tags contains "baseline\\" OR \\"1\\"=\\"1"',
    'description contains "%\' OR 1=1 --"',
    'summary.accuracy = "1; SELECT * FROM runs_run"',
]


@pytest.mark.parametrize("q", INJECTIONS)
def test_quotes_and_sql_inside_strings_are_plain_data(api, runs, q):
    assert fetch_all(api, q=q) == []
    # Nothing was executed: every run is still there and still found.
    assert Run.objects.count() == len(runs)
    assert ids(fetch_all(api, q='tags contains "baseline"')) == {r.run_id for r in live(runs) if "baseline" in r.tags}


INVALID = [
    ("project = ", 10, "a value"),
    ('project "vision"', 8, "an operator"),
    ('= "vision"', 0, "a field name"),
    ('project = "vision', 10, "a closing"),
    ('status in "finished"', 10, "'('"),
    ('status in ("a", )', 16, "a value"),
    ('(project = "x"', 14, "')'"),
    ('project = "x")', 13, "'and', 'or'"),
    ('project = "x" and', 17, "a field name"),
    ('project = "x" && status = "y"', 14, "a field, a value"),
    ("summary.accuracy > 0.9abc", 19, "a number"),
    ("summary. > 1", 9, "a key after"),
    ('project = "a\\q"', 12, "one of"),
    ("project not exists", 12, "'in' or 'contains'"),
    ("unknown_field = 1", 0, "fit together"),
    ('project > "a"', 8, "fit together"),
    ('summary.accuracy > "x"', 17, "fit together"),
    ('tags = "x"', 5, "fit together"),
    ('status = "done"', 7, "fit together"),
    ("summary = 1", 0, "fit together"),
    ('created_at > "yesterday"', 11, "fit together"),
    ("project = 5", 8, "fit together"),
    ('project.x = "a"', 0, "fit together"),
    ("a" * 2001, 2000, "a shorter query"),
    ("(" * 40 + 'project = "x"' + ")" * 40, 32, "fewer nested"),
]


@pytest.mark.parametrize(("q", "position", "expected"), INVALID, ids=[q[:30] for q, _, _ in INVALID])
def test_an_invalid_query_says_where_and_what_was_expected(api, runs, q, position, expected):
    resp = api.get("/api/v2/experiments", {"q": q})
    assert resp.status_code == 400, resp.content
    body = resp.json()
    assert body["param"] == "q" and body["detail"].startswith("q: ")
    assert body["position"] == position, body
    assert expected in body["expected"] or expected in body["detail"], body


def test_error_messages_name_the_problem(api, runs):
    body = api.get("/api/v2/experiments", {"q": 'status = "done"'}).json()
    assert body["detail"] == "q: unknown status 'done'; statuses are running, finished, failed, interrupted"
    body = api.get("/api/v2/experiments", {"q": 'summary.accuracy > "x"'}).json()
    assert "'>' compares numbers; use = or != with a string" in body["detail"]
