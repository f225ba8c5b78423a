"""LTTB on numpy arrays: the sequential algorithm's picks, endpoints and extremes, about N points."""

from __future__ import annotations

import numpy as np
import pytest

from apps.metrics.lttb import downsample_indices, lttb


def sequential_lttb(x: np.ndarray, y: np.ndarray, n_out: int) -> list[int]:
    """The textbook LTTB (Steinarsson 2013), one bucket after another."""
    n = len(x)
    every = (n - 2) / (n_out - 2)
    anchor, picked = 0, [0]
    for b in range(n_out - 2):
        start, end = int(b * every) + 1, int((b + 1) * every) + 1
        if b == n_out - 3:
            end, next_x, next_y = n - 1, x[n - 1], y[n - 1]
        else:
            nxt = slice(end, min(int((b + 2) * every) + 1, n - 1) if b + 2 < n_out - 2 else n - 1)
            next_x, next_y = x[nxt].mean(), y[nxt].mean()
        best, best_area = start, -1.0
        for j in range(start, end):
            area = abs((x[anchor] - next_x) * (y[j] - y[anchor]) - (x[anchor] - x[j]) * (next_y - y[anchor]))
            if area > best_area:
                best, best_area = j, area
        picked.append(best)
        anchor = best
    return [*picked, n - 1]


SERIES = {
    "random walk": lambda n, rng: np.cumsum(rng.normal(size=n)),
    "smooth decay": lambda n, rng: 2 / np.sqrt(np.arange(1, n + 1)) + 0.05 * np.sin(np.arange(n) / 37),
    "noise": lambda n, rng: rng.normal(size=n),
    "steps": lambda n, rng: np.repeat(rng.integers(0, 5, size=n // 10 + 1), 10)[:n].astype(float),
}


@pytest.mark.parametrize("name", sorted(SERIES))
@pytest.mark.parametrize(("n", "n_out"), [(1000, 100), (5000, 2000), (3001, 1500), (20_000, 300)])
def test_it_picks_exactly_what_the_sequential_algorithm_picks(name, n, n_out):
    rng = np.random.default_rng(n + n_out)
    x = np.sort(rng.uniform(0, n, size=n))
    y = SERIES[name](n, rng)

    assert lttb(x, y, n_out).tolist() == sequential_lttb(x, y, n_out)


def test_it_returns_about_n_points_with_endpoints_and_extremes():
    rng = np.random.default_rng(7)
    n = 1_000_000
    x = np.arange(n, dtype=float)
    y = np.cumsum(rng.normal(size=n))
    y[123_457] = 1e6  # a single spike
    y[876_543] = -1e6

    picked = downsample_indices(x, y, 2000)

    assert 2000 <= len(picked) <= 2002
    assert picked[0] == 0 and picked[-1] == n - 1
    assert {123_457, 876_543} <= set(picked.tolist())
    assert (np.diff(picked) > 0).all()


def test_short_series_are_left_alone():
    x = np.arange(50, dtype=float)

    assert downsample_indices(x, x * 2, 100).tolist() == list(range(50))
