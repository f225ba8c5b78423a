"""PyTorch Lightning: ``RunicornLogger``, a ``lightning.pytorch`` Logger writing into a Runicorn run.

    from lightning.pytorch import Trainer
    from runicorn.integrations.lightning import RunicornLogger

    trainer = Trainer(logger=RunicornLogger(project="vision", name="resnet", log_model=True))

Hyper-parameters (``save_hyperparameters()``) go to config.json, ``self.log(...)`` values to
events.jsonl at Lightning's global step, and the run ends ``finished`` after a successful
``fit``/``test``, ``failed`` when training raises (``interrupted`` on Ctrl-C). With
``log_model=True`` the best checkpoint of the ``ModelCheckpoint`` callback (its last one when it
monitors nothing) is logged as a ``model`` artifact with its score in the metadata.

Works with the ``lightning`` package or the older ``pytorch_lightning`` one (``pip install runicorn[lightning]``).
"""

from __future__ import annotations

import os
from argparse import Namespace
from typing import Any

try:
    from lightning.pytorch.loggers.logger import Logger, rank_zero_experiment
    from lightning.pytorch.utilities import rank_zero_only
except ImportError:  # the standalone package of Lightning < 2 (and its later re-releases)
    try:
        from pytorch_lightning.loggers.logger import Logger, rank_zero_experiment
        from pytorch_lightning.utilities import rank_zero_only
    except ImportError as exc:
        raise ImportError(
            "runicorn.integrations.lightning needs PyTorch Lightning: pip install 'runicorn[lightning]'"
        ) from exc

from ._common import RunHolder, end_status, numbers, plain_config

__all__ = ["RunicornLogger"]


class RunicornLogger(Logger):
    """Lightning ``Logger`` for Runicorn.

    Args:
        project, name: where the run goes (``<storage>/<project>/<name>/runs/<id>``); an already
            active run (``rn.init`` before the Trainer) is used instead, and left open at the end.
        storage: the storage root (default as ``rn.init``: ``RUNICORN_DIR``, config, ``./.runicorn``).
        log_model: log the best checkpoint as a model artifact when training ends.
        prefix: put before every metric name (``"fold1/"``).
        **init_kwargs: more ``rn.init`` arguments (``tags``, ``description``, ``capture_console``...).
    """

    def __init__(self, project: str = "default", name: str = "lightning", storage: str | os.PathLike[str] | None = None,
                 log_model: bool = False, prefix: str = "", **init_kwargs: Any) -> None:
        super().__init__()
        self._holder = RunHolder(project, name, storage, **init_kwargs)
        self._log_model = log_model
        self._prefix = prefix
        self._checkpoint_callback: Any = None
        self._logged_checkpoint: tuple[str, float] | None = None  # (path, mtime) already an artifact

    @property
    @rank_zero_experiment
    def experiment(self) -> Any:
        """The :class:`runicorn.Run` (started on first use, on rank zero only)."""
        return self._holder.get()

    @property
    def name(self) -> str:
        run = self._holder.run
        return run.name if run is not None else self._holder.name

    @property
    def version(self) -> str:
        return self.experiment.id

    @property
    def save_dir(self) -> str | None:
        run = self._holder.run
        return str(run.storage_root) if run is not None else None

    @property
    def log_dir(self) -> str:
        return str(self.experiment.run_dir)

    @rank_zero_only
    def log_hyperparams(self, params: dict[str, Any] | Namespace, *args: Any, **kwargs: Any) -> None:
        self.experiment.config.update(plain_config(params))

    @rank_zero_only
    def log_metrics(self, metrics: dict[str, Any], step: int | None = None) -> None:
        values = numbers(metrics, self._prefix)
        if values:
            self.experiment.log(values, step=step)

    def after_save_checkpoint(self, checkpoint_callback: Any) -> None:
        self._checkpoint_callback = checkpoint_callback

    @rank_zero_only
    def finalize(self, status: str) -> None:
        if self._holder.run is None:
            return  # nothing was ever logged: no empty run is created just to be closed
        final = end_status(status)
        if self._log_model and final == "finished" and self._checkpoint_callback is not None:
            self._log_checkpoint(self._checkpoint_callback)
        self._holder.finish(final)

    def _log_checkpoint(self, callback: Any) -> None:
        import runicorn

        path = getattr(callback, "best_model_path", "") or getattr(callback, "last_model_path", "")
        if not path or not os.path.isfile(path):
            return
        # finalize() runs after fit and again after a later test(): the same file is logged once.
        identity = (os.path.abspath(path), os.path.getmtime(path))
        if identity == self._logged_checkpoint:
            return
        self._logged_checkpoint = identity
        score = getattr(callback, "best_model_score", None)
        metadata = {
            "checkpoint": os.path.basename(path),
            "monitor": getattr(callback, "monitor", None),
            "mode": getattr(callback, "mode", None),
            "score": score.item() if hasattr(score, "item") else score,
        }
        run = self.experiment
        artifact = runicorn.Artifact(f"{run.name}-model", type="model", metadata=metadata,
                                     description=f"best checkpoint of run {run.id}")
        artifact.add_file(path)
        run.log_artifact(artifact)
