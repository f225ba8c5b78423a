"""Training jobs for the ingest tests, each run in a process of its own: ``python -m tests.ingest.jobs``.

The job prints ``RUN <run_dir>`` as soon as the run exists. Everything else comes from the
environment as a real job's would (RUNICORN_DIR, RUNICORN_SERVER_URL, RUNICORN_API_TOKEN).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import runicorn as rn

PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde\x00"
       b"\x00\x00\x0cIDATx\x9cc\xf8\xcf\xc0\x00\x00\x03\x01\x01\x00\xc9\xfe\x92\xef\x00\x00\x00\x00IEND\xaeB`\x82")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--project", default="ingest")
    parser.add_argument("--name", default="job")
    parser.add_argument("--rows", type=int, default=1000)
    parser.add_argument("--rate", type=float, default=0.0, help="rows per second (0: as fast as possible)")
    parser.add_argument("--extras", action="store_true", help="also text, an image, summary and config")
    parser.add_argument("--artifact", nargs="*", default=None, help="files of a 'weights' model artifact")
    parser.add_argument("--live", default=None, metavar="GO_FILE",
                        help="after one row, wait for GO_FILE, then log 30 timed rows and lines")
    args = parser.parse_args()

    run = rn.init(project=args.project, name=args.name, config={"lr": 0.01, "layers": [64, 64]})
    print(f"RUN {run.run_dir}", flush=True)
    if args.extras:
        rn.set_primary_metric("acc", mode="max")
        rn.log_text("starting\nsecond line")
        rn.log_image("sample", PNG, step=1, caption="a pixel")
    started = time.monotonic()
    for i in range(args.rows):
        rn.log({"loss": 1.0 / (i + 1), "acc": i / max(1, args.rows), "lr": 0.01})
        if args.rate and i % 100 == 99:
            ahead = (i + 1) / args.rate - (time.monotonic() - started)
            if ahead > 0:
                time.sleep(ahead)
    if args.live:
        while not Path(args.live).exists():
            time.sleep(0.02)
        for _ in range(30):
            now = time.time()
            rn.log({"sent_at": now})
            rn.log_text(f"sent_at={now!r}")
            time.sleep(0.1)
    if args.extras:
        rn.summary({"test_acc": 0.93})
    if args.artifact is not None:
        art = rn.Artifact("weights", type="model", description="shared weights")
        for path in args.artifact:
            art.add_file(path)
        run.log_artifact(art)
    rn.finish()
    print("DONE", flush=True)


if __name__ == "__main__":
    main()
