"""Two processes logging the same artifact name at the same moment get distinct versions, and
versions.json stays whole."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from runicorn.artifacts import records

from tests.artifacts.conftest import artifact_dir, read_json

WRITER = textwrap.dedent(
    """
    import json, os, sys, time
    import runicorn as rn
    root, src, go, tag = sys.argv[1], sys.argv[2], float(sys.argv[3]), sys.argv[4]
    run = rn.Run(project="race", name=tag, storage=root)
    while time.time() < go:  # both processes start logging at the same instant
        time.sleep(0.001)
    versions = []
    for i in range(6):
        path = os.path.join(src, f"{tag}-{i}.txt")
        with open(path, "w") as fh:
            fh.write(f"{tag} {i}")
        versions.append(run.log_artifact(rn.Artifact("shared", type="model").add_file(path, name="weights.txt")))
    run.finish()
    print(json.dumps(versions))
    """
)


def test_two_processes_get_distinct_versions(root: Path, src: Path) -> None:
    go = time.time() + 1.5
    procs = [
        subprocess.Popen([sys.executable, "-c", WRITER, str(root), str(src), str(go), tag],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for tag in ("a", "b")
    ]
    results = []
    for proc in procs:
        out, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err
        results.append(json.loads(out.strip().splitlines()[-1]))

    got = results[0] + results[1]
    assert sorted(got) == list(range(1, 13)), results  # every number once, none lost or doubled
    adir = artifact_dir(root, "model", "shared")
    index = read_json(adir / "versions.json")  # parses: never torn
    assert [v["version"] for v in index["versions"]] == list(range(1, 13))
    assert index["aliases"] == {"latest": 12}
    for tag, versions in zip(("a", "b"), results, strict=True):
        for i, number in enumerate(versions):
            # Each version holds what its own writer put in, under its own number.
            assert (adir / f"v{number}" / "files" / "weights.txt").read_text() == f"{tag} {i}"
            assert read_json(adir / f"v{number}" / "metadata.json")["version"] == number
    assert not [p for p in adir.iterdir() if p.name.startswith(".building-")]
    assert records.read_index(adir) is not None
