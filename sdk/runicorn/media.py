"""Saving images for ``log_image``: file paths, bytes, PIL images, matplotlib figures, numpy arrays
(and tensors).

PIL and numpy are imported only when such an object is given. Without Pillow, arrays are written
by the small PNG encoder below (zlib + struct), so ``numpy`` alone is enough.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import shutil
import struct
import time
import uuid
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

_IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".gif", ".webp", ".bmp"}
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def media_file_name(key: str, suffix: str = ".png", now: float | None = None) -> str:
    """``<ms>_<6 hex>_<key>.png``, the reference's naming, with the key made safe for a file name."""
    stamp = int((time.time() if now is None else now) * 1000)
    safe_key = _UNSAFE.sub("_", str(key)).strip("._")[:64] or "image"
    return f"{stamp}_{uuid.uuid4().hex[:6]}_{safe_key}{suffix}"


def save_image(image: Any, media_dir: Path, key: str) -> str:
    """Write ``image`` into ``media_dir``; returns the file name (not the path).

    When the disk refuses it, the partly written file is removed before the error is raised.
    """
    if isinstance(image, (str, os.PathLike)):
        source = Path(image)
        if not source.is_file():
            # errno and file name set: the run tells this (the caller's mistake) from a disk failure.
            raise FileNotFoundError(errno.ENOENT, "image file not found", str(source))
        suffix = source.suffix.lower()
        name = media_file_name(key, suffix if suffix in _IMAGE_SUFFIXES else ".png")
        return _write(media_dir, name, lambda path: shutil.copyfile(source, path))
    if isinstance(image, (bytes, bytearray, memoryview)):
        data = bytes(image)
        name = media_file_name(key, ".jpg" if data[:3] == b"\xff\xd8\xff" else ".png")
        return _write(media_dir, name, lambda path: path.write_bytes(data))
    if _is_pil_image(image):
        return _write(media_dir, media_file_name(key), lambda path: image.save(path, format="PNG"))
    if _is_matplotlib_figure(image):
        # As W&B does: the figure as the user sees it, rendered by matplotlib itself (so it is
        # importable whenever such an object exists; nothing is imported here).
        return _write(media_dir, media_file_name(key),
                      lambda path: image.savefig(path, format="png", bbox_inches="tight"))
    if hasattr(image, "detach") and hasattr(image, "cpu"):  # torch tensor, without importing torch
        image = image.detach().cpu().numpy()
    if hasattr(image, "shape") and hasattr(image, "dtype"):
        arr = to_uint8_image(image)  # a bad shape raises before anything is written
        return _write(media_dir, media_file_name(key), lambda path: _save_array(arr, path))
    raise TypeError(
        f"log_image: unsupported image type {type(image).__name__}; "
        "give a file path, PNG/JPEG bytes, a PIL image, a matplotlib Figure or a numpy array"
    )


def _write(media_dir: Path, name: str, write: Callable[[Path], Any]) -> str:
    # Not parents=True: a run directory somebody removed must stay removed.
    media_dir.mkdir(exist_ok=True)
    path = media_dir / name
    try:
        write(path)
    except OSError:
        # A full disk leaves a truncated image the viewer would show broken: remove it.
        with contextlib.suppress(OSError):
            path.unlink()
        raise
    return name


def _is_matplotlib_figure(obj: Any) -> bool:
    return type(obj).__module__.startswith("matplotlib.") and callable(getattr(obj, "savefig", None))


def _is_pil_image(obj: Any) -> bool:
    return type(obj).__module__.startswith("PIL.") and hasattr(obj, "save") and hasattr(obj, "mode")


def to_uint8_image(array: Any) -> Any:
    """A numpy array as uint8 H x W (gray), H x W x 3 (RGB) or H x W x 4 (RGBA).

    Floats are taken as 0..1 and scaled; other integers are clipped to 0..255; booleans become
    0/255. A channels-first array (C x H x W with C in 1, 3, 4, the torch layout) is transposed.
    """
    import numpy as np

    arr = np.asarray(array)
    if arr.ndim == 3 and arr.shape[0] in (1, 3, 4) and arr.shape[-1] not in (1, 3, 4):
        arr = np.transpose(arr, (1, 2, 0))
    if arr.ndim == 3 and arr.shape[-1] == 1:
        arr = arr[:, :, 0]
    if arr.ndim not in (2, 3) or (arr.ndim == 3 and arr.shape[-1] not in (3, 4)):
        raise ValueError(f"log_image: expected H x W, H x W x 3 or H x W x 4, got shape {arr.shape}")
    if arr.dtype == np.bool_:
        arr = arr.astype(np.uint8) * 255
    elif np.issubdtype(arr.dtype, np.floating):
        arr = np.nan_to_num(arr, nan=0.0, posinf=1.0, neginf=0.0)
        arr = (np.clip(arr, 0.0, 1.0) * 255.0 + 0.5).astype(np.uint8)
    elif arr.dtype != np.uint8:
        arr = np.clip(arr, 0, 255).astype(np.uint8)
    return np.ascontiguousarray(arr)


def _save_array(array: Any, path: Path) -> None:
    arr = to_uint8_image(array)
    try:
        from PIL import Image
    except ImportError:
        height, width = arr.shape[:2]
        channels = 1 if arr.ndim == 2 else arr.shape[2]
        path.write_bytes(encode_png(width, height, channels, arr.tobytes()))
        return
    Image.fromarray(arr).save(path, format="PNG")


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def encode_png(width: int, height: int, channels: int, pixels: bytes) -> bytes:
    """A PNG file of 8-bit ``pixels`` (row-major, ``channels`` of 1 gray, 3 RGB or 4 RGBA)."""
    color_type = {1: 0, 3: 2, 4: 6}[channels]
    stride = width * channels
    if len(pixels) != stride * height:
        raise ValueError("pixel buffer does not match width * height * channels")
    # Filter type 0 (None) for every row: simple and valid; zlib does the compressing.
    raw = b"".join(b"\x00" + pixels[y * stride : (y + 1) * stride] for y in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, color_type, 0, 0, 0)
    return b"".join(
        (
            b"\x89PNG\r\n\x1a\n",
            _chunk(b"IHDR", header),
            _chunk(b"IDAT", zlib.compress(raw, 6)),
            _chunk(b"IEND", b""),
        )
    )
