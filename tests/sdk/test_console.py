"""capture_console: stdout/stderr still shown, and copied to logs.txt as HH:MM:SS | text lines."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import runicorn as rn
from runicorn.console import LineAssembler, final_state

from .conftest import run_child, the_run_dir

LINE = re.compile(r"^\d\d:\d\d:\d\d \| (.*)$")


def _texts(logs: Path) -> list[str]:
    out = []
    for line in logs.read_text(encoding="utf-8").splitlines():
        match = LINE.match(line)
        assert match, f"malformed logs.txt line {line!r}"
        out.append(match.group(1))
    return out


def test_assembler_keeps_final_state_of_carriage_return_lines() -> None:
    lines: list[str] = []
    asm = LineAssembler(lines.append)
    asm.feed("Epoch 1\nhalf")
    asm.feed(" line\n")
    for pct in range(0, 101):
        asm.feed(f"\rtraining {pct:3d}%|{'#' * (pct // 10)}")
    asm.feed("\n")
    asm.feed("10%\r20%\r")  # the "text then \r" style of some bars
    asm.feed("\n")
    asm.feed("windows\r\n")
    asm.feed("\n")
    asm.feed("no newline yet")
    assert lines == ["Epoch 1", "half line", "training 100%|##########", "20%", "windows", ""]
    asm.flush_partial()
    assert lines[-1] == "no newline yet"
    assert final_state("a\rb\rc") == "c" and final_state("plain") == "plain"


def test_assembler_memory_stays_small_for_an_endless_bar() -> None:
    lines: list[str] = []
    asm = LineAssembler(lines.append)
    for i in range(100_000):
        asm.feed(f"\rstep {i}")
    assert len(asm._pending) < 100
    asm.feed("\n")
    assert lines == ["step 99999"]


def test_capture_console_in_a_real_process(root: Path, write_script) -> None:  # type: ignore[no-untyped-def]
    script = write_script(
        """
import sys
import runicorn as rn
run = rn.init(project="p", name="n", storage=sys.argv[1], capture_console=True)
print("hello from print")
print("to stderr", file=sys.stderr)
sys.stdout.write("partial ")
sys.stdout.write("then done\\n")
for i in range(300):
    sys.stderr.write("\\rprogress %d/299" % i)
sys.stderr.write("\\n")
rn.log_text("via log_text")
raise RuntimeError("crash at the end")
"""
    )
    proc = run_child(script, str(root))
    assert proc.returncode == 1
    # The console still shows everything.
    assert "hello from print" in proc.stdout and "partial then done" in proc.stdout
    assert "to stderr" in proc.stderr and "progress 299/299" in proc.stderr
    texts = _texts(the_run_dir(root) / "logs.txt")
    assert texts[:5] == ["hello from print", "to stderr", "partial then done", "progress 299/299", "via log_text"]
    assert sum("progress" in t for t in texts) == 1  # one line for the whole bar
    # The traceback, printed by the excepthook before the run is finished, is captured too.
    assert texts[5] == "Traceback (most recent call last):"
    assert texts[-1] == "RuntimeError: crash at the end"


def test_streams_are_restored_on_finish(root: Path) -> None:
    before_out, before_err = sys.stdout, sys.stderr
    run = rn.init(storage=root, capture_console=True)
    assert sys.stdout is not before_out and sys.stdout.original is before_out  # type: ignore[attr-defined]
    print("captured line")
    sys.stdout.write("unterminated")
    run.finish()
    assert sys.stdout is before_out and sys.stderr is before_err
    print("not captured")
    texts = _texts(run.run_dir / "logs.txt")
    assert texts == ["captured line", "unterminated"]


def test_no_capture_by_default(root: Path) -> None:
    before = sys.stdout
    run = rn.init(storage=root)
    assert sys.stdout is before
    print("not in logs")
    run.finish()
    assert not (run.run_dir / "logs.txt").exists()
