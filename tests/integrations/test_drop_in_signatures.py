"""The SummaryWriter drop-ins take every argument the real ones take, in the same order, so any
call that works with torch.utils.tensorboard or tensorboardX works after changing the import."""

from __future__ import annotations

import json

import pytest

SCRIPT = """
import inspect, json
from torch.utils.tensorboard import SummaryWriter as TorchWriter
from tensorboardX import SummaryWriter as XWriter
from runicorn.log_compat import tensorboard, tensorboardX

METHODS = ["__init__", "add_scalar", "add_scalars", "add_text", "add_hparams", "add_image", "add_images",
           "add_figure", "add_histogram", "flush", "close", "get_logdir", "__enter__", "__exit__"]

def params(fn):
    return [p.name for p in inspect.signature(fn).parameters.values()
            if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]

out = {}
PAIRS = (("torch", TorchWriter, tensorboard.SummaryWriter), ("tensorboardX", XWriter, tensorboardX.SummaryWriter))
for label, real, ours in PAIRS:
    for name in METHODS:
        if hasattr(real, name):
            out[f"{label}.{name}"] = [params(getattr(real, name)), params(getattr(ours, name))]
print(json.dumps(out))
"""


def test_every_argument_of_the_real_writers_is_accepted_in_the_same_place(train):
    done = train(SCRIPT)
    signatures = json.loads(done.stdout.strip().splitlines()[-1])
    assert len(signatures) >= 20
    mismatched = {name: pair for name, pair in signatures.items() if pair[1][: len(pair[0])] != pair[0]}
    assert mismatched == {}, "drop-in parameters differ from the real SummaryWriter's: (real, ours)"


@pytest.fixture
def storage_root(tmp_path):  # type: ignore[no-untyped-def]  # no viewer needed: the script writes no run
    return tmp_path / "root"
