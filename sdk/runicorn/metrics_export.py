"""A run's metrics as a table: the one reader of metrics events for exports, and its file formats.

Shared by the viewer (``GET /api/export/{run_id}/csv``) and the CLI (``runicorn export-data``), so
both write the same table. ``events.jsonl`` can hold millions of lines, so nothing here loads the
file: lines are parsed one at a time (orjson when it is importable, as in the viewer; the standard
library otherwise, as in a training environment). A table needs its header (every metric name)
before the first row, hence two passes: the first collects the names and notes how many bytes it
read, the second writes rows from exactly those bytes — a run still being written cannot add a
column the header lacks.
"""

from __future__ import annotations

import csv
import html
import io
import json
import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Callable, List, Optional, Tuple, Type

try:  # the viewer has orjson; a training environment need not
    import orjson

    _fast_loads: Callable[[bytes], Any] = orjson.loads
    _FastError: Type[Exception] = orjson.JSONDecodeError
except ImportError:  # pragma: no cover - exercised in SDK-only environments
    orjson = None  # type: ignore[assignment]
    _fast_loads = json.loads
    _FastError = ValueError

# Keys of a metrics event that are not metrics (the step, the time and the stage of the row).
STEP_KEYS = ("global_step", "step")
NON_METRIC_KEYS = frozenset({*STEP_KEYS, "time", "stage"})
FIXED_COLUMNS = ["step", "time", "stage"]
FORMATS = ("csv", "excel", "markdown", "html")
EXTENSIONS = {"csv": "csv", "excel": "xlsx", "markdown": "md", "html": "html"}
_CSV_NATIVE = frozenset({int, float, str, type(None)})
_NUMBER = (int, float)
CHUNK_BYTES = 256 * 1024  # bytes of CSV gathered before each yield: few, large writes

# progress(done, total): bytes of events.jsonl read so far, over both passes.
Progress = Callable[[int, int], None]


class ExportUnavailable(RuntimeError):
    """A format whose optional library is not installed; the message says what to install."""


def loads(line: bytes) -> Any:
    """One JSON document: orjson when importable, with the NaN/Infinity literals json accepts."""
    try:
        return _fast_loads(line)
    except _FastError:
        # The reference SDK writes NaN/Infinity (Python's json.dumps), which orjson refuses.
        return json.loads(line)


def iter_metric_events(
    path: Path, end: Optional[int] = None, progress: Optional[Callable[[int], None]] = None
) -> Iterator[Tuple[dict, Optional[float]]]:
    """``(data, ts)`` of each metrics event in the first ``end`` bytes (all when None), in order.

    Lines that are not JSON objects (a half-written last line, a foreign line) and events of other
    types (images, ...) are skipped, as the viewer skips them everywhere. ``progress`` is called
    with the bytes read so far every few thousand lines.
    """
    try:
        handle = open(path, "rb")  # noqa: SIM115 - closed below, also when the consumer stops early
    except FileNotFoundError:
        return
    with handle:
        consumed = 0
        lines = 0
        for raw in handle:
            consumed += len(raw)
            lines += 1
            if progress is not None and lines % 4096 == 0:
                progress(consumed)
            if end is not None and consumed > end:
                raw = raw[: len(raw) - (consumed - end)]  # this line was still being written at ``end``
                if not raw:
                    return
            try:
                event = loads(raw)
            except (ValueError, UnicodeDecodeError):
                continue
            if type(event) is dict and event.get("type") == "metrics":
                data = event.get("data")
                if type(data) is dict:
                    ts = event.get("ts")
                    yield data, ts if type(ts) in _NUMBER else None
            if end is not None and consumed >= end:
                return


@dataclass
class MetricColumns:
    names: List[str] = field(default_factory=list)  # metric names, sorted
    end: int = 0  # bytes of events.jsonl they were collected from


def metric_columns(path: Path, progress: Optional[Callable[[int], None]] = None) -> MetricColumns:
    names: set = set()
    try:
        end = path.stat().st_size
    except FileNotFoundError:
        return MetricColumns()
    for data, _ts in iter_metric_events(path, end, progress):
        names.update(data.keys())
    return MetricColumns(sorted(names - NON_METRIC_KEYS), end)


def step_of(data: dict) -> Any:
    for key in STEP_KEYS:
        if key in data:
            return data[key]
    return None


def _json_text(value: Any) -> str:
    if orjson is not None:
        return orjson.dumps(value).decode()
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def cell(value: Any) -> Any:
    """A value as a text table shows it: "" for none, true/false, nan/inf as pandas reads them,
    floats shortest-exact, lists and objects as JSON text in one cell."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value) if math.isfinite(value) else str(value)
    if isinstance(value, (int, str)):
        return value
    return _json_text(value)


def iter_rows(
    path: Path, progress: Optional[Progress] = None
) -> Tuple[List[str], Iterator[List[Any]]]:
    """The header and the rows (``step, time, stage, <metrics...>``, one per metrics event), raw."""
    total = [0]

    def first(done: int) -> None:
        if progress is not None:
            progress(done, total[0] * 2)

    try:
        total[0] = path.stat().st_size
    except FileNotFoundError:
        pass
    columns = metric_columns(path, first if progress else None)
    total[0] = columns.end

    def second(done: int) -> None:
        if progress is not None:
            progress(columns.end + done, columns.end * 2)

    def rows() -> Iterator[List[Any]]:
        for data, ts in iter_metric_events(path, columns.end, second if progress else None):
            yield [step_of(data), data.get("time", ts), data.get("stage"), *map(data.get, columns.names)]
        if progress is not None:
            progress(columns.end * 2, columns.end * 2)

    return FIXED_COLUMNS + columns.names, rows()


def csv_chunks(path: Path, progress: Optional[Progress] = None) -> Iterator[bytes]:
    """The CSV export of ``events.jsonl`` in chunks of about ``CHUNK_BYTES``."""
    header, rows = iter_rows(path, progress)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        # The csv module already writes what most rows hold as we want it (None as "", floats
        # shortest-exact, nan/inf as pandas reads them); only the rare others need cell().
        if not _CSV_NATIVE.issuperset(map(type, row)):
            row = [cell(value) for value in row]
        writer.writerow(row)
        if buffer.tell() >= CHUNK_BYTES:
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue().encode()


def _markdown_cell(value: Any) -> str:
    return str(cell(value)).replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def _write_markdown(path: Path, out: IO[bytes], title: str, progress: Optional[Progress]) -> None:
    header, rows = iter_rows(path, progress)
    out.write(f"# Metrics of {title}\n\n".encode())
    out.write(("| " + " | ".join(map(_markdown_cell, header)) + " |\n").encode())
    out.write(("|" + "---|" * len(header) + "\n").encode())
    for row in rows:
        out.write(("| " + " | ".join(map(_markdown_cell, row)) + " |\n").encode())


def _write_html(path: Path, out: IO[bytes], title: str, progress: Optional[Progress]) -> None:
    header, rows = iter_rows(path, progress)
    name = html.escape(title)
    out.write(
        (
            '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            f"<title>Metrics of {name}</title>"
            "<style>table{border-collapse:collapse;font:13px sans-serif}"
            "th,td{border:1px solid #ccc;padding:2px 6px;text-align:right}th{background:#f3f3f3}</style>"
            f"</head><body><h1>Metrics of {name}</h1>\n<table>\n<thead><tr>"
            + "".join(f"<th>{html.escape(str(h))}</th>" for h in header)
            + "</tr></thead>\n<tbody>\n"
        ).encode()
    )
    for row in rows:
        out.write(("<tr>" + "".join(f"<td>{html.escape(str(cell(v)))}</td>" for v in row) + "</tr>\n").encode())
    out.write(b"</tbody>\n</table>\n</body></html>\n")


def _excel_value(value: Any) -> Any:
    # Numbers stay numbers (Excel computes with them); what Excel has no type for becomes text.
    if value is None or isinstance(value, bool) or isinstance(value, str):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, int):
        return value if abs(value) < 2**53 else str(value)  # Excel keeps 15 digits: no silent rounding
    return _json_text(value)


def _write_excel(path: Path, out: IO[bytes], title: str, progress: Optional[Progress]) -> None:
    try:
        from openpyxl import Workbook  # type: ignore[import-untyped]  # openpyxl ships no type hints
    except ImportError:
        raise ExportUnavailable(
            "Excel export needs openpyxl: pip install openpyxl (or the SDK's [excel] extra); "
            "--format csv needs nothing extra"
        ) from None
    book = Workbook(write_only=True)  # rows streamed to the file, not held as cell objects
    sheet = book.create_sheet("metrics")
    header, rows = iter_rows(path, progress)
    sheet.append(header)
    for row in rows:
        sheet.append([_excel_value(v) for v in row])
    book.save(out)


def write_table(events: Path, out: IO[bytes], fmt: str, title: str, progress: Optional[Progress] = None) -> None:
    """Write the metrics of ``events`` (a run's events.jsonl) to ``out`` as ``fmt`` (one of FORMATS)."""
    if fmt == "csv":
        for chunk in csv_chunks(events, progress):
            out.write(chunk)
    elif fmt == "markdown":
        _write_markdown(events, out, title, progress)
    elif fmt == "html":
        _write_html(events, out, title, progress)
    elif fmt == "excel":
        _write_excel(events, out, title, progress)
    else:
        raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
