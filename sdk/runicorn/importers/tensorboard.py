"""``runicorn import tensorboard LOGDIR``: every directory of TensorBoard event files becomes a run.

Read with TensorBoard's own ``EventAccumulator`` (``pip install runicorn[tensorboard]``), keeping
everything (no reservoir sampling):

* scalars (classic ``simple_value`` and TF2 ``scalars``-plugin tensors) -> metrics at their steps
  and wall times, one event per step
* text (``text`` plugin) -> logs.txt lines ``[tag] step N: text``
* hparams (``hparams`` plugin) -> config.json; the metric values next to them -> summary.json.
  ``torch.utils.tensorboard``'s ``add_hparams`` writes them into a sub-directory of the run; such
  a sub-directory is folded into its parent run instead of becoming a run of its own
* images -> media/ files and image events; histograms -> histograms.jsonl

The run is named after the run directory's path below LOGDIR (``/`` becomes ``_``), in project
``--project`` (default ``tensorboard``); start and end are the first and last event times.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Dict, List, Optional

from .runwriter import ImportedRun

TOOL = "tensorboard"


def _load():  # type: ignore[no-untyped-def]
    try:
        from tensorboard.backend.event_processing import event_accumulator, io_wrapper
    except ImportError as exc:
        raise SystemExit("runicorn import tensorboard needs TensorBoard: pip install 'runicorn[tensorboard]'") from exc
    return event_accumulator, io_wrapper


def run_dirs(logdir: Path) -> List[Path]:
    """Directories below (and including) ``logdir`` that hold event files, sorted."""
    _, io_wrapper = _load()
    found = []
    for dirpath, _dirs, files in os.walk(logdir):
        if any(io_wrapper.IsSummaryEventsFile(os.path.join(dirpath, f)) for f in files):
            found.append(Path(dirpath))
    return sorted(found)


def _accumulator(path: Path) -> Any:
    event_accumulator, _ = _load()
    keep_all = {kind: 0 for kind in (event_accumulator.SCALARS, event_accumulator.IMAGES,
                                     event_accumulator.HISTOGRAMS, event_accumulator.TENSORS,
                                     event_accumulator.COMPRESSED_HISTOGRAMS, event_accumulator.AUDIO)}
    acc = event_accumulator.EventAccumulator(str(path), size_guidance=keep_all)
    acc.Reload()
    return acc


def _hparams(acc: Any) -> Optional[Dict[str, Any]]:
    from tensorboard.plugins.hparams import error, metadata

    try:
        content = acc.PluginTagToContent(metadata.PLUGIN_NAME)
    except KeyError:  # no hparams in this directory
        return None
    for raw in content.values():
        try:
            start = metadata.parse_session_start_info_plugin_data(raw)
        except error.HParamsError:  # an experiment or end-info record, not the session start
            continue
        values: Dict[str, Any] = {}
        for name, value in start.hparams.items():
            kind = value.WhichOneof("kind")
            if kind == "number_value":
                values[name] = value.number_value
            elif kind == "string_value":
                values[name] = value.string_value
            elif kind == "bool_value":
                values[name] = value.bool_value
        return values
    return None


def _tensor_value(event: Any) -> Any:
    from tensorboard.util import tensor_util

    return tensor_util.make_ndarray(event.tensor_proto)


def _fill(run: ImportedRun, acc: Any, as_summary: bool) -> List[float]:
    """Add what ``acc`` holds to ``run``; returns the wall times seen."""
    tags = acc.Tags()
    times: List[float] = []
    for tag in tags.get("scalars", []):
        for ev in acc.Scalars(tag):
            times.append(ev.wall_time)
            if as_summary:
                run.summary[tag] = ev.value
            else:
                run.add_metric(int(ev.step), ev.wall_time, tag, float(ev.value))
    for tag in tags.get("tensors", []):
        plugin = acc.SummaryMetadata(tag).plugin_data.plugin_name
        for ev in acc.Tensors(tag):
            times.append(ev.wall_time)
            if plugin == "scalars":
                value = float(_tensor_value(ev))
                if as_summary:
                    run.summary[tag] = value
                else:
                    run.add_metric(int(ev.step), ev.wall_time, tag, value)
            elif plugin == "text":
                array = _tensor_value(ev)
                items = array.flatten().tolist() if hasattr(array, "flatten") else [array]
                text = " ".join(i.decode("utf-8", "replace") if isinstance(i, bytes) else str(i) for i in items)
                # torch's add_text stores tag "<tag>/text_summary"
                shown = tag[: -len("/text_summary")] if tag.endswith("/text_summary") else tag
                run.logs.append((ev.wall_time, f"[{shown}] step {ev.step}: {text}"))
    for tag in tags.get("images", []):
        for ev in acc.Images(tag):
            times.append(ev.wall_time)
            run.images.append((tag, int(ev.step), ev.wall_time, bytes(ev.encoded_image_string)))
    for tag in tags.get("histograms", []):
        for ev in acc.Histograms(tag):
            times.append(ev.wall_time)
            run.histograms.append(_histogram(tag, ev))
    return times


def _histogram(tag: str, ev: Any) -> Dict[str, Any]:
    value = ev.histogram_value
    limits, counts = list(value.bucket_limit), [int(c) for c in value.bucket]
    # TensorBoard buckets are (previous limit, limit]; the first starts at the minimum. Empty
    # buckets are dropped so edges stay finite (TensorBoard's outermost limits are +-DBL_MAX).
    edges: List[float] = []
    kept: List[int] = []
    lower = value.min
    for limit, count in zip(limits, counts):
        upper = min(limit, value.max)
        if count:
            if not edges or edges[-1] != lower:
                if edges:  # a gap of empty buckets: bridge it with an empty bucket
                    kept.append(0)
                edges.append(lower)
            edges.append(upper)
            kept.append(count)
        lower = upper
    return {"ts": ev.wall_time, "key": tag, "step": int(ev.step), "min": value.min, "max": value.max,
            "count": int(value.num), "sum": value.sum, "sum_squares": value.sum_squares,
            "edges": edges, "counts": kept}


def read_run(logdir: Path, path: Path, project: str, folded: List[Path]) -> Optional[ImportedRun]:
    """The run of one event directory (with its folded hparams sub-directories); None when empty."""
    rel = path.relative_to(logdir).as_posix()
    name = (rel if rel != "." else logdir.resolve().name).replace("/", "_").lstrip(".")[:100] or "run"
    run = ImportedRun(tool=TOOL, key=str(path.resolve()), source=str(logdir.resolve()), project=project, name=name,
                      started_at=0.0)
    acc = _accumulator(path)
    times = _fill(run, acc, as_summary=False)
    params = _hparams(acc)
    if params:
        run.config.update(params)
    for sub in folded:
        sub_acc = _accumulator(sub)
        sub_params = _hparams(sub_acc) or {}
        run.config.update(sub_params)
        times += _fill(run, sub_acc, as_summary=True)
    if not times:
        return None
    run.started_at = min(times)
    run.ended_at = max(times)
    run.extra_meta["tensorboard_run"] = rel
    return run


def plan(logdir: Path) -> List[tuple[Path, List[Path]]]:
    """``(run directory, hparams sub-directories folded into it)`` for every run to import."""
    dirs = run_dirs(logdir)
    as_set = set(dirs)
    folded: Dict[Path, List[Path]] = {}
    runs = []
    for d in dirs:
        parent = d.parent
        if d != logdir and parent in as_set and _hparams(_accumulator(d)) is not None:
            folded.setdefault(parent, []).append(d)
        else:
            runs.append(d)
    return [(d, folded.get(d, [])) for d in runs]
