"""log_image: paths, bytes, numpy arrays (via Pillow or the built-in PNG encoder), the event shape."""

from __future__ import annotations

import json
import struct
import zlib
from pathlib import Path

import pytest
import runicorn as rn
from runicorn.media import encode_png

from .conftest import read_events


def decode_png(data: bytes) -> tuple[int, int, int, bytes]:
    """(width, height, channels, pixels) of an 8-bit, non-interlaced PNG with filter 0 rows."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, header = 8, b"", None
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        (crc,) = struct.unpack(">I", data[pos + 8 + length : pos + 12 + length])
        assert crc == zlib.crc32(kind + body) & 0xFFFFFFFF, f"bad CRC in {kind!r}"
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    assert header is not None and kind == b"IEND"
    width, height, depth, color, _, _, interlace = header
    assert depth == 8 and interlace == 0
    channels = {0: 1, 2: 3, 6: 4}[color]
    raw = zlib.decompress(idat)
    stride = width * channels
    rows = [raw[y * (stride + 1) : (y + 1) * (stride + 1)] for y in range(height)]
    assert all(row[0] == 0 for row in rows)
    return width, height, channels, b"".join(row[1:] for row in rows)


def _image_events(run_dir: Path) -> list[dict]:
    return [e for e in read_events(run_dir) if e["type"] == "image"]


def test_path_is_copied_and_event_matches_the_reference_shape(root: Path, tmp_path: Path) -> None:
    src = tmp_path / "plot.jpg"
    src.write_bytes(b"\xff\xd8\xff\xe0 not really a jpeg")
    run = rn.init(storage=root)
    run.log(loss=1.0)
    rel = run.log_image("val/plot", src)
    rel2 = run.log_image("plot", str(src), step=7, caption="epoch 7")
    run.finish()
    assert rel.startswith("media/") and rel.endswith("_val_plot.jpg")
    assert (run.run_dir / rel).read_bytes() == src.read_bytes()
    events = read_events(run.run_dir)
    assert [e["type"] for e in events] == ["metrics", "image", "image"]
    first, second = events[1], events[2]
    assert list(first) == ["ts", "type", "data"]
    assert first["data"] == {"key": "val/plot", "path": rel, "step": None, "caption": None}
    assert second["data"] == {"key": "plot", "path": rel2, "step": 7, "caption": "epoch 7"}
    line = (run.run_dir / "events.jsonl").read_text().splitlines()[1]
    assert line == json.dumps(first, ensure_ascii=False)


def test_bytes_and_errors(root: Path, tmp_path: Path) -> None:
    run = rn.init(storage=root)
    png = encode_png(1, 1, 1, b"\x80")
    rel = rn.log_image("raw", png)
    assert rel.endswith(".png") and (run.run_dir / rel).read_bytes() == png
    with pytest.raises(FileNotFoundError):
        run.log_image("missing", tmp_path / "nope.png")
    with pytest.raises(TypeError, match="unsupported image type"):
        run.log_image("bad", 12345)
    run.finish()
    assert len(_image_events(run.run_dir)) == 1


def test_builtin_png_encoder_round_trip() -> None:
    pixels = bytes(range(2 * 3 * 4))
    assert decode_png(encode_png(2, 3, 4, pixels)) == (2, 3, 4, pixels)
    assert decode_png(encode_png(3, 1, 3, b"\x00\x01\x02" * 3)) == (3, 1, 3, b"\x00\x01\x02" * 3)
    with pytest.raises(ValueError):
        encode_png(2, 2, 3, b"short")


def test_numpy_arrays(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    np = pytest.importorskip("numpy")
    # Force the built-in encoder even where Pillow is installed, so it is always tested.
    import builtins

    real_import = builtins.__import__

    def no_pil(name, *args, **kwargs):  # type: ignore[no-untyped-def]
        if name == "PIL" or name.startswith("PIL."):
            raise ImportError("no Pillow in this test")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_pil)
    run = rn.init(storage=root)
    rgb = np.arange(4 * 5 * 3, dtype=np.uint8).reshape(4, 5, 3)
    gray = np.linspace(0.0, 1.0, 6).reshape(2, 3)
    rgba = np.full((2, 2, 4), 200, dtype=np.uint8)
    chw = np.zeros((3, 8, 6), dtype=np.uint8)
    chw[0] = 255
    paths = [run.log_image(k, a, step=i) for i, (k, a) in enumerate([("rgb", rgb), ("gray", gray), ("rgba", rgba),
                                                                      ("chw", chw)])]
    with pytest.raises(ValueError, match="shape"):
        run.log_image("bad", np.zeros((2, 2, 2)))
    run.finish()

    def decoded(i: int):  # type: ignore[no-untyped-def]
        return decode_png((run.run_dir / paths[i]).read_bytes())

    assert decoded(0) == (5, 4, 3, rgb.tobytes())
    assert decoded(1) == (3, 2, 1, bytes([0, 51, 102, 153, 204, 255]))
    assert decoded(2) == (2, 2, 4, rgba.tobytes())
    width, height, channels, pix = decoded(3)
    assert (width, height, channels) == (6, 8, 3) and pix == b"\xff\x00\x00" * 48
    assert [e["data"]["step"] for e in _image_events(run.run_dir)] == [0, 1, 2, 3]


def test_pil_image(root: Path) -> None:
    image_mod = pytest.importorskip("PIL.Image")
    run = rn.init(storage=root)
    rel = run.log_image("pil", image_mod.new("RGB", (3, 2), (10, 20, 30)))
    run.finish()
    with image_mod.open(run.run_dir / rel) as img:
        assert img.format == "PNG" and img.size == (3, 2) and img.getpixel((0, 0)) == (10, 20, 30)
