"""One storage root written by the real SDK and one real viewer over it, shared by the package.

The runs (newest last):

* ``vision/resnet`` A: config, tags, primary metric, 30 steps with stages, an image, artifact
  ``resnet-weights`` v1 (alias production) and v2 (latest), plus ``fragile`` (for the digest test)
* ``vision/resnet`` B: failed
* ``vision/vit``    C: ``monitor_system=True`` (system/* metrics next to its own)
* ``nlp/bert``      D: uses ``resnet-weights:production``
* ``nlp/bert``      E: finished, nothing else
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pytest
import requests
import runicorn as rn
import runicorn.api as api

from tests.fixtures.live_server import wait_until

from .servers import RestartableViewer


@dataclass
class Written:
    root: Path
    ids: dict[str, str] = field(default_factory=dict)  # letter -> run id
    files: dict[str, bytes] = field(default_factory=dict)  # artifact file name -> content
    image_png: bytes = b""


def write_runs(root: Path, scratch: Path) -> Written:
    out = Written(root)
    scratch.mkdir(parents=True, exist_ok=True)
    for name in ("model.bin", "tokenizer.json", "fragile.bin"):
        out.files[name] = os.urandom(3000)
        (scratch / name).write_bytes(out.files[name])

    run = rn.init(project="vision", name="resnet", storage=root, config={"lr": 0.01, "layers": 50},
                  tags=["baseline"], description="the baseline")
    run.set_primary_metric("acc", mode="max")
    for step in range(1, 31):
        run.log({"loss": 1.0 / step, "acc": step / 30}, stage="train" if step <= 20 else "val")
    pixels = np.zeros((4, 6, 3), dtype=np.uint8)
    pixels[:, :, 0] = 255
    media_path = run.log_image("sample", pixels, step=30, caption="red")
    run.summary({"test_acc": 0.93})
    weights = rn.Artifact("resnet-weights", type="model", description="resnet50 weights")
    weights.add_file(scratch / "model.bin").add_file(scratch / "tokenizer.json", name="extra/tokenizer.json")
    run.log_artifact(weights, aliases=["production"])
    second = rn.Artifact("resnet-weights", type="model")
    second.add_file(scratch / "model.bin")
    run.log_artifact(second)
    fragile = rn.Artifact("fragile", type="dataset")
    fragile.add_file(scratch / "fragile.bin")
    run.log_artifact(fragile)
    run.finish()
    out.ids["A"] = run.id
    out.image_png = (run.run_dir / media_path).read_bytes()

    failed = rn.init(project="vision", name="resnet", storage=root)
    failed.log({"loss": 3.0})
    failed.finish("failed")
    out.ids["B"] = failed.id

    monitored = rn.init(project="vision", name="vit", storage=root, monitor_system=True, monitor_interval=0.1)
    for step in range(5):
        monitored.log({"loss": 2.0 - step / 10})
        time.sleep(0.1)
    monitored.finish()
    out.ids["C"] = monitored.id

    user = rn.init(project="nlp", name="bert", storage=root)
    user.use_artifact("resnet-weights:production")
    user.log({"loss": 0.5})
    user.finish()
    out.ids["D"] = user.id

    last = rn.init(project="nlp", name="bert", storage=root)
    last.log({"loss": 0.25})
    last.finish()
    out.ids["E"] = last.id
    return out


@pytest.fixture(scope="package")
def written(tmp_path_factory: pytest.TempPathFactory) -> Written:
    base = tmp_path_factory.mktemp("api-client")
    return write_runs(base / "root", base / "scratch")


@pytest.fixture(scope="package")
def viewer(written: Written, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RestartableViewer]:
    server = RestartableViewer(written.root, tmp_path_factory.mktemp("viewer"))
    server.start()
    # The index is built in the background after the viewer answers: wait for every run.
    wait_until(lambda: requests.get(server.url + "/api/health", timeout=5).json()["index"]["runs"] == 5, timeout=30)
    yield server
    server.stop()


@pytest.fixture
def client(viewer: RestartableViewer) -> Iterator[api.RunicornClient]:
    with api.connect(viewer.url, timeout=10) as connected:
        yield connected
