"""Fixtures for comparing our viewer and SDK with the reference implementation (runicorn==0.5.3).

The reference lives in its own venv (``make ref`` → ``.cache/ref``, or ``REF_PYTHON``). Locally a
missing reference skips these tests with the reason; under ``CI=true`` it fails them, because CI
runs ``make ref`` first and a silent skip there would hide a broken comparison.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import Any

import pytest

from tests.benchmarks.common import Reference, find_reference


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"true", "1", "yes"}


@pytest.fixture(scope="session")
def reference() -> Reference:
    ref, why = find_reference()
    if ref is None:
        if _in_ci():
            pytest.fail(f"{why}; CI=true requires the reference for the compatibility tests")
        pytest.skip(why)
    return ref


def by_id(items: Iterable[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """A list response keyed by run id: the two viewers may order equal timestamps differently."""
    keyed = {item["id"]: item for item in items}
    return keyed


def assert_same_fields(ours: dict[str, Any], theirs: dict[str, Any], where: str) -> None:
    """Every key the reference returns has the same value in ours; keys we add are ignored."""
    missing = sorted(set(theirs) - set(ours))
    assert not missing, f"{where}: our response lacks {missing}"
    diff = {k: (ours[k], theirs[k]) for k in theirs if ours[k] != theirs[k]}
    assert not diff, f"{where}: differs from the reference (ours, reference): {diff}"
