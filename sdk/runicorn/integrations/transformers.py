"""Hugging Face Transformers: ``RunicornCallback``, a ``TrainerCallback`` writing into a Runicorn run.

    from transformers import Trainer
    from runicorn.integrations.transformers import RunicornCallback

    trainer = Trainer(model=model, args=args, train_dataset=ds, callbacks=[RunicornCallback(project="nlp")])

The training arguments go to config.json (and the model's config under ``model_config``); every
``on_log`` is one event at ``state.global_step``, evaluation values (``eval_loss``...) renamed to
``eval/loss``...; the run finishes when training ends (a failure is marked by the SDK's own exit
handling). ``log_model=True`` saves the final model (``save_pretrained``) as a ``model`` artifact.
Only the main process logs. ``pip install runicorn[transformers]``.
"""

from __future__ import annotations

import os
import tempfile
from typing import Any

try:
    from transformers import TrainerCallback
except ImportError as exc:
    raise ImportError(
        "runicorn.integrations.transformers needs Transformers: pip install 'runicorn[transformers]'"
    ) from exc

from ._common import RunHolder, numbers, plain_config

__all__ = ["RunicornCallback"]

# Keys of the final on_log that describe the whole run rather than a step: into summary.json.
_RUN_TOTALS = ("train_runtime", "train_samples_per_second", "train_steps_per_second", "total_flos", "train_loss")


def metric_name(key: str) -> str:
    """``eval_loss`` -> ``eval/loss`` (likewise ``test_``), other keys as they are."""
    for split in ("eval", "test"):
        if key.startswith(split + "_"):
            return f"{split}/{key[len(split) + 1:]}"
    return key


class RunicornCallback(TrainerCallback):
    """Log a ``transformers.Trainer`` into Runicorn.

    Args:
        project, name: where the run goes; an active run (``rn.init`` first) is used instead.
        storage: the storage root (default as ``rn.init``).
        log_model: save the final model as a ``model`` artifact named ``<name>-model``.
        **init_kwargs: more ``rn.init`` arguments (``tags``, ``description``...).
    """

    def __init__(self, project: str = "default", name: str = "transformers",
                 storage: str | os.PathLike[str] | None = None, log_model: bool = False, **init_kwargs: Any) -> None:
        self._holder = RunHolder(project, name, storage, **init_kwargs)
        self._log_model = log_model

    @property
    def run(self) -> Any:
        """The :class:`runicorn.Run` (None before training starts)."""
        return self._holder.run

    def on_train_begin(self, args: Any, state: Any, control: Any, model: Any = None, **kwargs: Any) -> None:
        if not state.is_world_process_zero:
            return
        run = self._holder.get()
        config = plain_config(args.to_sanitized_dict() if hasattr(args, "to_sanitized_dict") else args)
        model_config = getattr(model, "config", None)
        if model_config is not None and hasattr(model_config, "to_dict"):
            config["model_config"] = plain_config(model_config.to_dict())
        run.config.update(config)

    def on_log(self, args: Any, state: Any, control: Any, logs: dict[str, Any] | None = None, **kwargs: Any) -> None:
        if not state.is_world_process_zero or not logs:
            return
        run = self._holder.get()
        totals = {k: logs[k] for k in _RUN_TOTALS if k in logs}
        values = numbers({metric_name(k): v for k, v in logs.items() if k not in totals})
        if values:
            run.log(values, step=state.global_step)
        if totals:
            run.summary(numbers(totals))

    def on_train_end(self, args: Any, state: Any, control: Any, model: Any = None, **kwargs: Any) -> None:
        if not state.is_world_process_zero:
            return
        if self._log_model and model is not None and hasattr(model, "save_pretrained"):
            self._save_model(model, state)
        self._holder.finish("finished")

    def _save_model(self, model: Any, state: Any) -> None:
        import runicorn

        run = self._holder.get()
        with tempfile.TemporaryDirectory(prefix="runicorn-model-") as tmp:
            model.save_pretrained(tmp)
            artifact = runicorn.Artifact(f"{run.name}-model", type="model",
                                         metadata={"global_step": state.global_step, "epoch": state.epoch},
                                         description=f"final model of run {run.id}")
            artifact.add_dir(tmp)
            run.log_artifact(artifact)
