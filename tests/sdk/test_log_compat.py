"""The drop-ins (runicorn.log_compat) and the run's logging handler, read back from the run's files."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import numpy as np
import pytest
import runicorn as rn
from runicorn import histograms, layout
from runicorn.log_compat import tensorboard, tensorboardX
from runicorn.log_compat.imagenet import AverageMeter, ProgressMeter, Summary
from runicorn.log_compat.torchvision import MetricLogger, SmoothedValue

from .conftest import read_events, read_json_file, the_run_dir


def metrics(run_dir: Path) -> list[dict]:
    return [e["data"] for e in read_events(run_dir) if e["type"] == "metrics"]


def test_summary_writer_logs_into_the_active_run(root: Path) -> None:
    run = rn.init(project="p", name="n", storage=root)
    with tensorboard.SummaryWriter("runs/exp1") as writer:
        writer.add_scalar("loss", 0.5, 1)
        writer.add_scalar("loss", np.float32(0.25), global_step=2)
        writer.add_scalars("acc", {"train": 0.9, "val": 0.8}, 2)
        writer.add_text("note", "hello", 2)
        writer.add_hparams({"lr": 0.01, "bs": 32}, {"hparam/best": 0.8})
        writer.add_image("img", np.zeros((3, 4, 5), dtype=np.uint8), 2)
        writer.add_image("hwc", np.ones((4, 5, 3)), 2, dataformats="HWC")
        writer.add_histogram("w", np.arange(100.0), 2, bins=10)
        writer.add_graph(object())  # not stored, must not raise
    assert rn.get_active_run() is run  # the writer did not own the run, so it stays open
    run.finish()
    rows = metrics(run.run_dir)
    assert [(r.get("loss"), r["global_step"]) for r in rows[:2]] == [(0.5, 1), (0.25, 2)]
    assert rows[2]["acc/train"] == 0.9 and rows[2]["acc/val"] == 0.8 and rows[2]["global_step"] == 2
    assert read_json_file(run.run_dir / "config.json") == {"lr": 0.01, "bs": 32}
    assert read_json_file(run.run_dir / "summary.json")["hparam/best"] == 0.8
    assert "[note] step 2: hello" in (run.run_dir / "logs.txt").read_text()
    images = [e["data"] for e in read_events(run.run_dir) if e["type"] == "image"]
    assert [i["key"] for i in images] == ["img", "hwc"]
    assert all((run.run_dir / i["path"]).is_file() for i in images)
    hist = histograms.read(run.run_dir / layout.HISTOGRAMS_FILE)["w"]
    assert hist[0]["step"] == 2 and sum(hist[0]["counts"]) == 100 and len(hist[0]["counts"]) == 10


def test_summary_writer_starts_and_finishes_a_run_named_after_log_dir(root: Path, monkeypatch) -> None:
    monkeypatch.setenv("RUNICORN_DIR", str(root))
    with tensorboardX.SummaryWriter(logdir="logs/resnet-a") as writer:
        writer.add_scalar("loss", 1.0, 0)
    run_dir = the_run_dir(root)
    assert run_dir.parent.parent.name == "resnet-a"
    assert read_json_file(run_dir / "status.json")["status"] == "finished"
    assert rn.get_active_run() is None


def test_summary_writer_marks_its_run_failed_when_the_block_raises(root: Path, monkeypatch) -> None:
    monkeypatch.setenv("RUNICORN_DIR", str(root))
    with pytest.raises(ZeroDivisionError), tensorboard.SummaryWriter(comment="-x") as writer:
        writer.add_scalar("loss", 1.0)
        1 / 0  # noqa: B018
    assert read_json_file(the_run_dir(root) / "status.json")["status"] == "failed"
    assert writer.get_logdir().startswith("runs") and writer.get_logdir().endswith("-x")


def test_log_histogram_buckets_values_at_the_current_step(root: Path) -> None:
    run = rn.init(storage=root)
    run.log({"loss": 1.0})
    run.log({"loss": 0.5})
    run.log_histogram("grad", [0, 1, 1, 2, 3, float("nan")], bins=3)
    run.log_histogram("grad", [5, 5], step=7)
    run.finish()
    series = histograms.read(run.run_dir / layout.HISTOGRAMS_FILE)["grad"]
    assert [(h["step"], h["count"], h["counts"]) for h in series] == [(2, 5, [1, 2, 2]), (7, 2, [2])]
    assert series[0]["edges"] == [0.0, 1.0, 2.0, 3.0] and series[0]["min"] == 0.0 and series[0]["max"] == 3.0


def test_histogram_reader_skips_torn_and_foreign_lines(tmp_path: Path) -> None:
    path = tmp_path / "histograms.jsonl"
    good = json.dumps(histograms.record("a", [1, 2], 1))
    path.write_text(f'{good}\nnot json\n{{"key": "a", "step": 2, "edges": [1], "counts": [1]}}\n{good[:20]}')
    assert [h["step"] for h in histograms.read(path)["a"]] == [1]


def test_histogram_rejects_a_bad_bin_count() -> None:
    with pytest.raises(ValueError, match="bins must be an integer"):
        histograms.bucket([1.0], bins=0)


def test_metric_logger_prints_and_logs(root: Path, capsys) -> None:
    run = rn.init(storage=root)
    logger = MetricLogger(delimiter="  ")
    logger.add_meter("lr", SmoothedValue(window_size=1, fmt="{value:.3f}"))
    for i, batch in enumerate(logger.log_every(range(4), print_freq=2, header="Epoch: [0]")):
        logger.update(loss=1.0 / (batch + 1), lr=0.1)
        assert i == batch
    assert logger.loss.count == 4 and logger.lr.value == 0.1
    run.finish()
    printed = capsys.readouterr().out
    assert "Epoch: [0]  [0/4]" in printed and "Epoch: [0] Total time:" in printed and "lr: 0.100" in printed
    assert [r["loss"] for r in metrics(run.run_dir)] == [1.0, 0.5, 1 / 3, 0.25]
    assert "Total time:" in (run.run_dir / "logs.txt").read_text()


def test_imagenet_meters_print_and_log(root: Path, capsys) -> None:
    run = rn.init(storage=root)
    losses = AverageMeter("Loss", ":.4e")
    top1 = AverageMeter("Acc@1", ":6.2f", Summary.AVERAGE)
    progress = ProgressMeter(10, [losses, top1], prefix="Epoch: [1]")
    losses.update(2.0, n=2)
    top1.update(50.0)
    top1.update(70.0)
    progress.display(3)
    progress.display_summary()
    run.finish()
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "Epoch: [1][ 3/10]\tLoss 2.0000e+00 (2.0000e+00)\tAcc@1  70.00 ( 60.00)"
    assert out[1] == " * Loss 2.000 Acc@1 60.000"
    rows = metrics(run.run_dir)
    assert rows[0]["Loss"] == 2.0 and rows[0]["Acc@1"] == 70.0
    assert rows[1]["Acc@1/summary"] == 60.0


def test_logging_handler_writes_records_into_logs_txt(root: Path) -> None:
    run = rn.init(storage=root)
    log = logging.getLogger("test.runicorn.handler")
    log.setLevel(logging.DEBUG)
    handler = run.get_logging_handler(level=logging.INFO, fmt="%(levelname)s|%(message)s")
    log.addHandler(handler)
    try:
        log.debug("hidden")
        log.info("epoch %d done", 3)
        run.finish()
        log.warning("after finish")  # dropped, never raised
    finally:
        log.removeHandler(handler)
    text = (run.run_dir / "logs.txt").read_text()
    assert "INFO|epoch 3 done" in text and "hidden" not in text and "after finish" not in text


def test_numpy_arrays_bucket_like_plain_lists() -> None:
    values = [0.0, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 7.0]
    from_list = histograms.bucket(values, bins=7)
    from_array = histograms.bucket(np.array(values + [np.nan, np.inf]), bins=7)
    assert from_array == from_list
    assert from_list["counts"] == [2, 2, 2, 1, 0, 0, 1]
    assert histograms.bucket(np.full((3, 3), 2.0))["counts"] == [9]
    assert histograms.bucket(np.array([]))["count"] == 0
