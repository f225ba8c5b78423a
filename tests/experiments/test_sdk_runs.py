"""Runs written by our SDK: tags, description and config from ``rn.init``, ``run.add_tags`` and
``run.config.update`` are all filterable in V2 (unlike the reference, whose V2 never sees them)."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

pytestmark = pytest.mark.django_db(transaction=True)

SCRIPT = textwrap.dedent(
    """
    import sys
    import runicorn as rn

    run = rn.init(project="vision", name="resnet", storage=sys.argv[1], tags=["baseline"],
                  description="ResNet-50 with mixup", config={"lr": 0.01, "optimizer": {"name": "adam"}})
    run.add_tags("prod", "baseline")
    run.config.update({"batch_size": 128})
    run.set_primary_metric("val_acc", mode="max")
    for step in range(1, 4):
        rn.log({"val_acc": step / 4, "loss": 1 / step})
    rn.finish()
    other = rn.init(project="vision", name="vit", storage=sys.argv[1], config={"lr": 0.1})
    rn.finish()
    print(run.id, other.id)
    """
)


def test_what_the_sdk_writes_is_filterable(api, storage_root, reindex):
    out = subprocess.run([sys.executable, "-c", SCRIPT, str(storage_root)], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    first, second = out.stdout.split()
    reindex()

    def found(**params: str) -> set[str]:
        body = api.get("/api/v2/experiments", params).json()
        return {e["id"] for e in body["experiments"]}

    assert found() == {first, second}
    assert found(tags="baseline,prod") == {first}
    assert found(q='tags contains "prod" and config.batch_size = 128') == {first}
    assert found(q='config.optimizer.name = "adam"') == {first}
    assert found(q="config.lr > 0.05") == {second}
    assert found(search="mixup") == {first}
    assert found(q="summary.best_metric_value >= 0.75", order_by="best_metric_value") == {first}
    detail = api.get(f"/api/v2/experiments/{first}").json()
    assert detail["experiment"]["tags"] == ["baseline", "prod"]
    assert detail["experiment"]["config"] == {"lr": 0.01, "optimizer": {"name": "adam"}, "batch_size": 128}
    assert detail["metrics_summary"]["available_metrics"] == ["loss", "val_acc"]
    assert detail["metrics_summary"]["step_range"] == {"min": 1, "max": 3}
