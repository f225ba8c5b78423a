"""Largest-Triangle-Three-Buckets downsampling on numpy arrays, without a Python loop per bucket.

LTTB keeps, in each bucket, the point forming the largest triangle with the point kept in the
previous bucket and the mean of the next one. That "previous point" makes it look sequential; here
every bucket is solved at once, repeatedly, each pass using the previous pass's picks as anchors.
Bucket 0's anchor (the first point) is fixed, so after pass k the first k buckets are exactly what
the sequential algorithm picks, and the passes stop as soon as nothing changes — the fixed point is
the sequential result. In practice a change travels only a few buckets, so it takes a handful of
passes.

Long series are first reduced to the minimum and maximum of small equal blocks (MinMaxLTTB,
Van Der Donckt et al., 2023), a few points per output bucket, which keeps peaks and costs two
vectorised reductions; LTTB then runs on those candidates. The global minimum and maximum are
always added, as are the first and last points.
"""

from __future__ import annotations

import numpy as np

PRESELECT_RATIO = 4  # candidates per output point kept by the min/max pre-pass
MAX_PASSES = 64


def downsample_indices(x: np.ndarray, y: np.ndarray, n_out: int) -> np.ndarray:
    """Sorted indices of about ``n_out`` points of the series ``(x, y)`` (x ascending, no NaN)."""
    n = int(y.shape[0])
    if n <= n_out or n_out < 3:
        return np.arange(n)
    candidates = None
    if n > PRESELECT_RATIO * n_out:
        candidates = _minmax_candidates(y, PRESELECT_RATIO * n_out // 2)
        picked = candidates[lttb(x[candidates], y[candidates], n_out)]
    else:
        picked = lttb(x, y, n_out)
    extremes = np.array([int(np.argmin(y)), int(np.argmax(y))])
    return np.union1d(picked, extremes)


def lttb(x: np.ndarray, y: np.ndarray, n_out: int) -> np.ndarray:
    """Indices chosen by LTTB: exactly ``n_out`` of them, first and last included."""
    n = int(y.shape[0])
    if n <= n_out or n_out < 3:
        return np.arange(n)
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    n_buckets = n_out - 2
    # The standard split: bucket b covers [floor(b*every)+1, floor((b+1)*every)+1).
    every = (n - 2) / n_buckets
    edges = (np.arange(n_buckets + 1) * every).astype(np.int64) + 1
    edges[-1] = n - 1
    starts, ends = edges[:-1], edges[1:]
    sizes = ends - starts
    width = int(sizes.max())
    slots = starts[:, None] + np.arange(width)[None, :]
    outside = slots >= ends[:, None]
    slots = np.minimum(slots, n - 1)
    bx, by = x[slots], y[slots]

    # The mean of the next bucket; the last bucket looks at the last point.
    mean_x = np.add.reduceat(x[: n - 1], starts) / sizes
    mean_y = np.add.reduceat(y[: n - 1], starts) / sizes
    next_x = np.r_[mean_x[1:], x[n - 1]][:, None]
    next_y = np.r_[mean_y[1:], y[n - 1]][:, None]

    # Start from each previous bucket's mean as its anchor (bucket 0: the first point).
    anchor_x = np.r_[x[0], mean_x[:-1]][:, None]
    anchor_y = np.r_[y[0], mean_y[:-1]][:, None]
    picked = np.full(n_buckets, -1, dtype=np.int64)
    rows = np.arange(n_buckets)
    for _ in range(MAX_PASSES):
        area = np.abs((anchor_x - next_x) * (by - anchor_y) - (anchor_x - bx) * (next_y - anchor_y))
        area[outside] = -1.0
        choice = slots[rows, np.argmax(area, axis=1)]
        if np.array_equal(choice, picked):
            break
        picked = choice
        anchor_x[1:, 0] = x[picked[:-1]]
        anchor_y[1:, 0] = y[picked[:-1]]
    return np.r_[0, picked, n - 1]


def _minmax_candidates(y: np.ndarray, n_blocks: int) -> np.ndarray:
    """First, last, and the min and max of ``n_blocks`` equal blocks of the points between."""
    n = int(y.shape[0])
    inner = n - 2
    size = max(1, -(-inner // n_blocks))
    full = inner // size
    body = y[1 : 1 + full * size].reshape(full, size)
    base = 1 + np.arange(full) * size
    parts = [np.array([0, n - 1]), base + np.argmin(body, axis=1), base + np.argmax(body, axis=1)]
    tail_start = 1 + full * size
    if tail_start < n - 1:
        tail = y[tail_start : n - 1]
        parts.append(np.array([tail_start + int(np.argmin(tail)), tail_start + int(np.argmax(tail))]))
    return np.unique(np.concatenate(parts))
