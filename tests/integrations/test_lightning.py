"""runicorn.integrations.lightning.RunicornLogger under a real Lightning Trainer (CPU, 2 epochs)."""

from __future__ import annotations

import pytest

from .conftest import served

pytestmark = pytest.mark.django_db

SCRIPT = """
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset
import lightning.pytorch as pl
from lightning.pytorch.callbacks import ModelCheckpoint
from runicorn.integrations.lightning import RunicornLogger

torch.manual_seed(0)

class Tiny(pl.LightningModule):
    def __init__(self, lr=0.05, hidden=4):
        super().__init__()
        self.save_hyperparameters()
        self.net = nn.Sequential(nn.Linear(3, hidden), nn.ReLU(), nn.Linear(hidden, 1))

    def training_step(self, batch, _):
        x, y = batch
        loss = nn.functional.mse_loss(self.net(x), y)
        self.log("train_loss", loss)
        if FAIL and self.global_step == 3:
            raise RuntimeError("loss exploded")
        return loss

    def validation_step(self, batch, _):
        x, y = batch
        self.log("val_loss", nn.functional.mse_loss(self.net(x), y))

    def test_step(self, batch, _):
        x, y = batch
        self.log("test_loss", nn.functional.mse_loss(self.net(x), y))

    def configure_optimizers(self):
        return torch.optim.SGD(self.parameters(), lr=self.hparams.lr)

x = torch.randn(64, 3)
data = DataLoader(TensorDataset(x, x.sum(1, keepdim=True)), batch_size=8)
logger = RunicornLogger(project="pl", name="tiny", log_model=True)
checkpoint = ModelCheckpoint(monitor="val_loss", mode="min")
trainer = pl.Trainer(max_epochs=2, logger=logger, callbacks=[checkpoint], log_every_n_steps=2,
                     enable_progress_bar=False, enable_model_summary=False, accelerator="cpu")
model = Tiny()
trainer.fit(model, data, data)
if not FAIL:
    trainer.test(model, data)  # after fit finalised the logger: the same run resumes
print("RUN", logger.version, logger.name, logger.save_dir)
"""


def test_fit_then_test_log_hyperparameters_metrics_status_and_the_best_checkpoint(api, reindex, storage_root, train):
    done = train("FAIL = False\n" + SCRIPT)
    detail, rows = served(api, reindex, storage_root)
    assert f"RUN {detail['id']} tiny {storage_root}" in done.stdout
    assert detail["project"] == "pl" and detail["name"] == "tiny"
    assert detail["status"] == "finished"
    assert detail["config"] == {"lr": 0.05, "hidden": 4}
    train_steps = [r["global_step"] for r in rows if r.get("train_loss") is not None]
    assert train_steps and train_steps == sorted(train_steps)
    val_rows = [r for r in rows if r.get("val_loss") is not None]
    assert len(val_rows) == 2  # one validation per epoch
    assert len([r for r in rows if r.get("test_loss") is not None]) == 1  # trainer.test() logged into the same run
    artifacts = api.get(f"/api/runs/{detail['id']}/artifacts").json()
    created = artifacts["created"]
    assert [(a["name"], a["type"]) for a in created] == [("tiny-model", "model")]
    version = api.get("/api/artifacts/tiny-model/v1?type=model").json()
    assert version["metadata"]["monitor"] == "val_loss"
    assert version["metadata"]["score"] == pytest.approx(min(r["val_loss"] for r in val_rows), rel=1e-5)


def test_a_fit_that_raises_leaves_the_run_failed(api, reindex, storage_root, train):
    done = train("FAIL = True\n" + SCRIPT, check=False)
    assert done.returncode != 0 and "loss exploded" in done.stderr
    detail, rows = served(api, reindex, storage_root)
    assert detail["status"] == "failed"
    assert detail["config"] == {"lr": 0.05, "hidden": 4}
    # Lightning logs every 2nd batch (its step 1), then the error comes at step 3.
    assert [r["global_step"] for r in rows if r.get("train_loss") is not None] == [1]
