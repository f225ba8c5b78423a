"""Keras 3: ``RunicornCallback`` writing epoch and batch metrics into a Runicorn run.

    from runicorn.integrations.keras import RunicornCallback

    model.fit(x, y, epochs=5, validation_split=0.2, callbacks=[RunicornCallback(project="vision")])

config.json gets the fit parameters (epochs, steps), the model (class, name, parameter count,
layers) and the optimizer's config. Epoch metrics (``loss``, ``val_loss``...) are logged with
``epoch`` at the number of batches trained so far; batch metrics as ``batch/<name>`` every
``log_every_n_batches`` batches (0 turns them off). Any backend (TensorFlow, JAX, torch).
``pip install runicorn[keras]``.
"""

from __future__ import annotations

import os
from typing import Any

try:
    import keras
except ImportError as exc:
    raise ImportError("runicorn.integrations.keras needs Keras 3: pip install 'runicorn[keras]'") from exc

from ._common import RunHolder, end_status, numbers, plain_config, plain_value

__all__ = ["RunicornCallback"]


class RunicornCallback(keras.callbacks.Callback):
    """Log ``model.fit`` into Runicorn.

    Args:
        project, name: where the run goes; an active run (``rn.init`` first) is used instead.
        storage: the storage root (default as ``rn.init``).
        log_every_n_batches: batch metrics every this many batches (default 1; 0 for none).
        **init_kwargs: more ``rn.init`` arguments (``tags``, ``description``...).
    """

    def __init__(self, project: str = "default", name: str = "keras", storage: str | os.PathLike[str] | None = None,
                 log_every_n_batches: int = 1, **init_kwargs: Any) -> None:
        super().__init__()
        if log_every_n_batches < 0:
            raise ValueError("log_every_n_batches must be 0 (off) or a positive number of batches")
        self._holder = RunHolder(project, name, storage, **init_kwargs)
        self._every = log_every_n_batches
        self._batches = 0

    @property
    def run(self) -> Any:
        return self._holder.run

    def on_train_begin(self, logs: dict[str, Any] | None = None) -> None:
        run = self._holder.get()
        model = self.model
        config: dict[str, Any] = {"fit": plain_config(self.params or {})}
        if model is not None:
            config["model"] = {
                "class": type(model).__name__,
                "name": model.name,
                "params": int(model.count_params()) if model.built else None,
                "layers": [f"{type(layer).__name__}:{layer.name}" for layer in model.layers],
            }
            optimizer = getattr(model, "optimizer", None)
            if optimizer is not None:
                config["optimizer"] = {"class": type(optimizer).__name__,
                                       **plain_config(plain_value(optimizer.get_config()))}
        run.config.update(config)

    def on_train_batch_end(self, batch: int, logs: dict[str, Any] | None = None) -> None:
        self._batches += 1
        if self._every and logs and self._batches % self._every == 0:
            values = numbers(logs, "batch/")
            if values:
                self._holder.get().log(values, step=self._batches)

    def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        values = numbers(logs or {})
        if values:
            values["epoch"] = epoch + 1
            self._holder.get().log(values, step=max(self._batches, epoch + 1))

    def on_train_end(self, logs: dict[str, Any] | None = None) -> None:
        self._holder.finish(end_status("success"))
