"""runicorn.integrations.transformers.RunicornCallback under a real Trainer: a 2-layer BERT built
from a config (nothing downloaded) on a synthetic dataset, CPU, 2 epochs."""

from __future__ import annotations

import pytest

from .conftest import served

pytestmark = pytest.mark.django_db

SCRIPT = """
import torch
from transformers import BertConfig, BertForSequenceClassification, Trainer, TrainingArguments
from runicorn.integrations.transformers import RunicornCallback

torch.manual_seed(0)

class Synthetic(torch.utils.data.Dataset):
    def __len__(self):
        return 16
    def __getitem__(self, i):
        ids = torch.tensor([(i * 7 + j) % 50 for j in range(8)])
        return {"input_ids": ids, "attention_mask": torch.ones(8, dtype=torch.long), "labels": torch.tensor(i % 2)}

config = BertConfig(vocab_size=50, hidden_size=16, num_hidden_layers=2, num_attention_heads=2, intermediate_size=32,
                    max_position_embeddings=16, num_labels=2)
args = TrainingArguments(output_dir="out", num_train_epochs=2, per_device_train_batch_size=4, logging_steps=2,
                         eval_strategy="epoch", save_strategy="no", report_to=[], use_cpu=True,
                         learning_rate=1e-3, disable_tqdm=True, seed=0)
trainer = Trainer(model=BertForSequenceClassification(config), args=args, train_dataset=Synthetic(),
                  eval_dataset=Synthetic(), callbacks=[RunicornCallback(project="hf", name="bert", log_model=True)])
trainer.train()
print("EVAL", trainer.evaluate(metric_key_prefix="test")["test_loss"])  # after train ended the run: resumed
"""


def test_a_trainer_logs_arguments_model_config_steps_eval_metrics_and_the_model(api, reindex, storage_root, train):
    done = train(SCRIPT)
    detail, rows = served(api, reindex, storage_root)
    assert (detail["project"], detail["name"], detail["status"]) == ("hf", "bert", "finished")
    config = detail["config"]
    assert config["num_train_epochs"] == 2 and config["learning_rate"] == 0.001
    assert config["model_config"]["num_hidden_layers"] == 2 and config["model_config"]["hidden_size"] == 16
    loss_steps = [r["global_step"] for r in rows if r.get("loss") is not None]
    assert loss_steps == [2, 4, 6, 8]  # 16 samples / batch 4 = 4 steps an epoch, logged every 2
    assert all(r.get("learning_rate") is not None for r in rows if r.get("loss") is not None)
    eval_rows = [r for r in rows if r.get("eval/loss") is not None]
    assert [r["global_step"] for r in eval_rows] == [4, 8]
    assert "train_runtime" in detail["summary"] and "train_loss" in detail["summary"]
    test_loss = float(done.stdout.split("EVAL ")[1].split()[0])
    assert [r["test/loss"] for r in rows if r.get("test/loss") is not None] == [pytest.approx(test_loss)]
    created = api.get(f"/api/runs/{detail['id']}/artifacts").json()["created"]
    assert [(a["name"], a["type"]) for a in created] == [("bert-model", "model")]
    files = api.get("/api/artifacts/bert-model/v1/files?type=model").json()["files"]
    assert {"config.json", "model.safetensors"} <= {f["path"] for f in files}
