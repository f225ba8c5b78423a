"""Largest-Triangle-Three-Buckets downsampling on numpy arrays, without a Python loop per bucket.

LTTB keeps, in each bucket, the point forming the largest triangle with the point kept in the
previous bucket and the mean of the next bucket. The dependence on the previous pick looks
sequential, but a bucket has only a few candidates: for every candidate the previous bucket could
have picked, the best point of this bucket is computed at once for all buckets (a small transition
table), and the chain of picks is then resolved by composing those tables with a parallel prefix
scan (log2(buckets) vectorised steps). The result is exactly what the sequential algorithm picks.

Long series are first reduced to the minimum and maximum of small equal blocks (MinMaxLTTB,
Van Der Donckt et al., 2023): a few candidates per output point, found with two vectorised
reductions, which also keeps every block's peak. Block sizes are powers of two, so the grid does
not move as a run grows and a table can keep the blocks' extremes between requests. The global
minimum and maximum are always added, as are the first and last points.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

PRESELECT_RATIO = 4  # candidates per output point kept by the min/max pre-pass
MAX_TABLE_WIDTH = 16  # wider buckets (only when lttb() is called without the pre-pass) loop instead


BlockSource = Callable[[int, int], tuple[np.ndarray, np.ndarray]]


def downsample_indices(x: np.ndarray, y: np.ndarray, n_out: int, blocks: BlockSource | None = None) -> np.ndarray:
    """Sorted indices of about ``n_out`` points of the series ``(x, y)`` (x ascending, no NaN).

    ``blocks(size, count)``, when given, returns the argmin and argmax of each of the first
    ``count`` blocks of ``size`` points from index 1 — a table remembers them between requests,
    so after an append only the new blocks are scanned.
    """
    n = int(y.shape[0])
    if n <= n_out or n_out < 3:
        return np.arange(n)
    if n > PRESELECT_RATIO * n_out:
        # The global extremes are among the blocks' extremes: no second pass over y for them.
        candidates = _minmax_candidates(y, PRESELECT_RATIO * n_out // 2, blocks)
        cy = y[candidates]
        picked = candidates[lttb(x[candidates], cy, n_out)]
        extremes = candidates[[int(np.argmin(cy)), int(np.argmax(cy))]]
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
    starts, sizes = edges[:-1], np.diff(edges)
    # The mean of the next bucket; the last bucket looks at the last point.
    mean_x = np.add.reduceat(x[: n - 1], starts) / sizes
    mean_y = np.add.reduceat(y[: n - 1], starts) / sizes
    next_x = np.r_[mean_x[1:], x[n - 1]]
    next_y = np.r_[mean_y[1:], y[n - 1]]
    width = int(sizes.max())
    if width > MAX_TABLE_WIDTH:
        picked = _sequential(x, y, starts, sizes, next_x, next_y)
    else:
        picked = _by_tables(x, y, starts, sizes, width, next_x, next_y)
    return np.r_[0, picked, n - 1]


def _area(ax: np.ndarray, ay: np.ndarray, px: np.ndarray, py: np.ndarray, cx: np.ndarray, cy: np.ndarray) -> np.ndarray:
    """Twice the area of the triangles (anchor, point, next mean), broadcast."""
    return np.abs((ax - cx) * (py - ay) - (ax - px) * (cy - ay))


def _by_tables(
    x: np.ndarray, y: np.ndarray, starts: np.ndarray, sizes: np.ndarray, width: int,
    next_x: np.ndarray, next_y: np.ndarray,
) -> np.ndarray:
    n_buckets = starts.shape[0]
    slots = starts[:, None] + np.arange(width)[None, :]
    outside = np.arange(width)[None, :] >= sizes[:, None]
    slots = np.where(outside, starts[:, None], slots)  # padding repeats a real point, never chosen
    px, py = x[slots], y[slots]
    cx, cy = next_x[:, None, None], next_y[:, None, None]

    # Bucket 0: its anchor is the first point.
    area0 = _area(x[0], y[0], px[0], py[0], next_x[0], next_y[0])
    area0[outside[0]] = -1.0
    first = int(np.argmax(area0))
    local = np.empty(n_buckets, dtype=np.int64)
    local[0] = first
    if n_buckets > 1:
        # step[b-1][i]: the pick in bucket b when bucket b-1 picked its candidate i.
        ax, ay = px[:-1, :, None], py[:-1, :, None]
        area = _area(ax, ay, px[1:, None, :], py[1:, None, :], cx[1:], cy[1:])
        area[np.broadcast_to(outside[1:, None, :], area.shape)] = -1.0
        step = np.argmax(area, axis=2)
        # Inclusive prefix composition: step[k] becomes the map from bucket 0's pick to bucket k+1's.
        shift, rows = 1, np.arange(step.shape[0])[:, None]
        while shift < step.shape[0]:
            step[shift:] = step[shift:][rows[: step.shape[0] - shift], step[:-shift]]
            shift *= 2
        local[1:] = step[:, first]
    return starts + local


def _sequential(
    x: np.ndarray, y: np.ndarray, starts: np.ndarray, sizes: np.ndarray, next_x: np.ndarray, next_y: np.ndarray
) -> np.ndarray:
    # Few, wide buckets: one vectorised step per bucket is cheap enough.
    picked = np.empty(starts.shape[0], dtype=np.int64)
    ax, ay = x[0], y[0]
    for b, (start, size) in enumerate(zip(starts.tolist(), sizes.tolist(), strict=True)):
        area = _area(ax, ay, x[start : start + size], y[start : start + size], next_x[b], next_y[b])
        pick = start + int(np.argmax(area))
        picked[b] = pick
        ax, ay = x[pick], y[pick]
    return picked


def block_size(inner: int, n_blocks: int) -> int:
    """A power of two, so the block grid stays put while a run grows (and can be remembered)."""
    wanted = max(1, -(-inner // max(1, n_blocks)))  # at most n_blocks blocks: round the size up
    return 1 << (wanted - 1).bit_length()


def block_extremes(y: np.ndarray, size: int, first: int, count: int) -> tuple[np.ndarray, np.ndarray]:
    """Argmin and argmax (indices into ``y``) of blocks ``first..first+count`` of ``size`` from index 1."""
    body = y[1 + first * size : 1 + (first + count) * size].reshape(count, size)
    base = 1 + (first + np.arange(count)) * size
    return base + np.argmin(body, axis=1), base + np.argmax(body, axis=1)


def _minmax_candidates(y: np.ndarray, n_blocks: int, blocks: BlockSource | None = None) -> np.ndarray:
    """Sorted: first, last, and the min and max of equal blocks of the points between."""
    n = int(y.shape[0])
    inner = n - 2
    size = block_size(inner, n_blocks)
    full = inner // size
    lows, highs = blocks(size, full) if blocks is not None else block_extremes(y, size, 0, full)
    pairs = [np.minimum(lows, highs), np.maximum(lows, highs)]
    tail_start = 1 + full * size
    if tail_start < n - 1:
        tail = y[tail_start : n - 1]
        low, high = tail_start + int(np.argmin(tail)), tail_start + int(np.argmax(tail))
        pairs = [np.r_[pairs[0], min(low, high)], np.r_[pairs[1], max(low, high)]]
    # Blocks are in order and each pair is sorted, so interleaving keeps the order; a block
    # whose min and max are one point gives it once.
    inside = np.stack(pairs, axis=1).ravel()
    inside = inside[np.r_[True, inside[1:] != inside[:-1]]]
    return np.r_[0, inside, n - 1]
