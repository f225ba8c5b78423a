"""What both ``SummaryWriter`` drop-ins share: the TensorBoard calls mapped onto a Runicorn run.

Mapping (``walltime`` is accepted and ignored: events carry the time they are logged at):

* ``add_scalar(tag, v, step)`` -> ``run.log({tag: v}, step=step)``; ``add_scalars(main, {k: v})``
  -> ``{main/k: v}`` in one event
* ``add_text`` -> a ``[tag] step N: text`` line in logs.txt
* ``add_hparams(hparams, metrics)`` -> hparams into config.json, metrics into summary.json
* ``add_image`` / ``add_images`` / ``add_figure`` -> ``run.log_image`` (media/ + an image event)
* ``add_histogram`` -> ``run.log_histogram`` (histograms.jsonl)
* other ``add_*`` calls (graphs, embeddings, audio, ...) log a warning once and are skipped, so a
  training script that uses them keeps running.
"""

from __future__ import annotations

import io
import logging
import os
import socket
import time
from typing import Any

from ..histograms import DEFAULT_BINS, MAX_BINS
from ._active import active_or_start, run_name_for, scalar

logger = logging.getLogger("runicorn")

_LAYOUTS = ("CHW", "HWC", "HW", "WH", "NCHW", "NHWC")


def default_log_dir(comment: str = "") -> str:
    """``runs/<Mon DD_HH-MM-SS>_<host><comment>``, the directory TensorBoard writers default to."""
    return os.path.join("runs", time.strftime("%b%d_%H-%M-%S") + "_" + socket.gethostname() + comment)


def _to_hwc(image: Any, dataformats: str) -> Any:
    import numpy as np

    if hasattr(image, "detach") and hasattr(image, "cpu"):
        image = image.detach().cpu().numpy()
    arr = np.asarray(image)
    layout = dataformats.upper()
    if layout not in _LAYOUTS[:4] or arr.ndim != len(layout):
        raise ValueError(f"add_image: dataformats {dataformats!r} does not fit an array of shape {arr.shape}")
    if layout == "HW":
        return arr
    if layout == "WH":
        return arr.T
    if layout == "CHW":
        arr = np.transpose(arr, (1, 2, 0))
    return arr[:, :, 0] if arr.shape[2] == 1 else arr


def _bins(bins: Any, max_bins: int | None) -> int:
    count = bins if isinstance(bins, int) and not isinstance(bins, bool) else DEFAULT_BINS
    if max_bins is not None:
        count = min(count, int(max_bins))
    return max(1, min(count, MAX_BINS))


class SummaryWriterBase:
    """A TensorBoard ``SummaryWriter`` that logs into a Runicorn run instead of event files.

    The active run is used when there is one (``rn.init(...)`` first); otherwise a run is started
    in project ``default`` named after the last component of ``log_dir``, and ``close()`` (or the
    end of a ``with`` block) finishes it. Nothing is written under ``log_dir``.
    """

    def __init__(self, log_dir: str | os.PathLike[str] | None, comment: str = "") -> None:
        self.log_dir = os.fspath(log_dir) if log_dir else default_log_dir(comment)
        self.run, self._owns_run = active_or_start(run_name_for(self.log_dir, "tensorboard"))
        self._warned: set[str] = set()
        self._closed = False

    # ---- TensorBoard API -------------------------------------------------------------------
    def get_logdir(self) -> str:
        return self.log_dir

    def add_scalar(self, tag: str, scalar_value: Any, global_step: int | None = None,
                   walltime: float | None = None) -> None:
        self.run.log({str(tag): scalar(scalar_value)}, step=global_step)

    def add_scalars(self, main_tag: str, tag_scalar_dict: dict[str, Any], global_step: int | None = None,
                    walltime: float | None = None) -> None:
        values = {f"{main_tag}/{tag}": scalar(value) for tag, value in tag_scalar_dict.items()}
        self.run.log(values, step=global_step)

    def add_text(self, tag: str, text_string: str, global_step: int | None = None,
                 walltime: float | None = None) -> None:
        where = f" step {global_step}" if global_step is not None else ""
        self.run.log_text(f"[{tag}]{where}: {text_string}")

    def add_hparams(self, hparam_dict: dict[str, Any], metric_dict: dict[str, Any],
                    hparam_domain_discrete: dict[str, list[Any]] | None = None, run_name: str | None = None,
                    global_step: int | None = None) -> None:
        if not isinstance(hparam_dict, dict) or not isinstance(metric_dict, dict):
            raise TypeError("hparam_dict and metric_dict should be dictionary.")
        self.run.config.update({str(k): scalar(v) for k, v in hparam_dict.items()})
        self.run.summary({str(k): scalar(v) for k, v in metric_dict.items()})

    def add_image(self, tag: str, img_tensor: Any, global_step: int | None = None, walltime: float | None = None,
                  dataformats: str = "CHW") -> None:
        self.run.log_image(str(tag), _to_hwc(img_tensor, dataformats), step=global_step)

    def add_images(self, tag: str, img_tensor: Any, global_step: int | None = None,
                   walltime: float | None = None, dataformats: str = "NCHW") -> None:
        layout = dataformats.upper()
        if not layout.startswith("N"):
            raise ValueError(f"add_images: dataformats must start with N, got {dataformats!r}")
        for index, image in enumerate(img_tensor):
            self.run.log_image(f"{tag}/{index}", _to_hwc(image, layout[1:]), step=global_step)

    def add_figure(self, tag: str, figure: Any, global_step: int | None = None, close: bool = True,
                   walltime: float | None = None) -> None:
        figures = figure if isinstance(figure, list) else [figure]
        for index, fig in enumerate(figures):
            buffer = io.BytesIO()
            fig.savefig(buffer, format="png")
            key = str(tag) if len(figures) == 1 else f"{tag}/{index}"
            self.run.log_image(key, buffer.getvalue(), step=global_step)
            if close:
                import matplotlib.pyplot as plt

                plt.close(fig)

    def add_histogram(self, tag: str, values: Any, global_step: int | None = None, bins: Any = "tensorflow",
                      walltime: float | None = None, max_bins: int | None = None) -> None:
        step = global_step if global_step is not None else self.run.global_step
        self.run.log_histogram(str(tag), values, step=step, bins=_bins(bins, max_bins))

    def flush(self) -> None:
        if not self._closed:
            self.run.flush()

    def close(self) -> None:
        """Write what is queued; finish the run when this writer started it."""
        self._end("finished")

    def _end(self, status: str) -> None:
        if self._closed:
            return
        self._closed = True
        if self._owns_run:
            self.run.finish(status)
        else:
            self.run.flush()

    def __enter__(self) -> SummaryWriterBase:
        return self

    def __exit__(self, exc_type: Any, exc_val: Any, exc_tb: Any) -> None:
        if exc_type is None:
            self._end("finished")
        else:
            self._end("interrupted" if issubclass(exc_type, KeyboardInterrupt) else "failed")

    def __getattr__(self, name: str) -> Any:
        # Only reached for attributes the class lacks: TensorBoard calls Runicorn cannot store.
        if not name.startswith("add_"):
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

        def skipped(*_args: Any, **_kwargs: Any) -> None:
            if name not in self._warned:
                self._warned.add(name)
                logger.warning("runicorn: SummaryWriter.%s is not stored by Runicorn; the call is skipped", name)

        return skipped
