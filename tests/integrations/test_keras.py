"""runicorn.integrations.keras.RunicornCallback under real Keras 3 on the torch backend (CPU, 2 epochs)."""

from __future__ import annotations

import pytest

from .conftest import served

pytestmark = pytest.mark.django_db

SCRIPT = """
import numpy as np
import keras
from runicorn.integrations.keras import RunicornCallback

keras.utils.set_random_seed(0)
x = np.random.rand(32, 3).astype("float32")
y = x.sum(axis=1, keepdims=True)
model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4, activation="relu", name="hidden"),
                          keras.layers.Dense(1, name="out")], name="tiny")
model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01), loss="mse", metrics=["mae"])
model.fit(x, y, epochs=2, batch_size=8, validation_split=0.25, verbose=0,
          callbacks=[RunicornCallback(project="keras", name="tiny", log_every_n_batches=1)])
"""


def test_fit_logs_epoch_and_batch_metrics_and_the_model_and_optimizer_config(api, reindex, storage_root, train):
    train(SCRIPT)
    detail, rows = served(api, reindex, storage_root)
    assert (detail["project"], detail["name"], detail["status"]) == ("keras", "tiny", "finished")
    config = detail["config"]
    assert config["fit"]["epochs"] == 2 and config["fit"]["steps"] == 3  # 24 training samples / batch 8
    assert config["model"]["class"] == "Sequential" and config["model"]["params"] == 21
    assert config["model"]["layers"] == ["Dense:hidden", "Dense:out"]
    assert config["optimizer"]["class"] == "Adam" and config["optimizer"]["learning_rate"] == pytest.approx(0.01)
    batch_steps = [r["global_step"] for r in rows if r.get("batch/loss") is not None]
    assert batch_steps == [1, 2, 3, 4, 5, 6]
    epoch_rows = [r for r in rows if r.get("val_loss") is not None]
    assert [r["global_step"] for r in epoch_rows] == [3, 6]
    assert all(r.get(key) is not None for r in epoch_rows for key in ("loss", "mae", "val_mae"))
