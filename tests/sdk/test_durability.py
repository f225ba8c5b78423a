"""Exit paths in REAL processes: every logged event is on disk and status.json tells how it ended."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from .conftest import metric_steps, read_events, read_json_file, run_child, start_child, the_run_dir

N = 5000
LOOP = f"""
import sys, time
import runicorn as rn
run = rn.init(project="p", name="n", storage=sys.argv[1])
for i in range({N}):
    rn.log({{"loss": 1.0 / (i + 1), "i": i}})
"""


def _wait_ready(proc: subprocess.Popen[str], timeout: float = 30) -> None:
    assert proc.stdout is not None
    deadline = time.monotonic() + timeout
    line = proc.stdout.readline()
    assert line.strip() == "ready", f"child said {line!r}; stderr: {proc.stderr.read() if proc.stderr else ''}"
    assert time.monotonic() < deadline


def _assert_all_n(run_dir: Path, n: int = N) -> None:
    events = read_events(run_dir)
    assert len(events) == n
    assert metric_steps(events) == list(range(1, n + 1))
    assert [e["data"]["i"] for e in events] == list(range(n))


def test_normal_exit_without_finish(root: Path, write_script) -> None:  # type: ignore[no-untyped-def]
    proc = run_child(write_script(LOOP), str(root))
    assert proc.returncode == 0, proc.stderr
    run_dir = the_run_dir(root)
    _assert_all_n(run_dir)
    status = read_json_file(run_dir / "status.json")
    assert status["status"] == "finished" and status["ended_at"] >= status["started_at"]


def test_uncaught_exception_marks_failed(root: Path, write_script) -> None:  # type: ignore[no-untyped-def]
    script = write_script(LOOP + "rn.log_text('about to fail')\nraise ValueError('boom')\n")
    proc = run_child(script, str(root))
    assert proc.returncode == 1
    assert "ValueError: boom" in proc.stderr  # the previous excepthook still prints the traceback
    run_dir = the_run_dir(root)
    _assert_all_n(run_dir)
    status = read_json_file(run_dir / "status.json")
    assert status["status"] == "failed" and status["exit_reason"] == "exception"
    assert status["error"] == "ValueError: boom" and "ended_at" in status
    assert "about to fail" in (run_dir / "logs.txt").read_text()


def test_sigterm_while_idle_keeps_every_event(root: Path, write_script) -> None:  # type: ignore[no-untyped-def]
    script = write_script(LOOP + "print('ready', flush=True)\ntime.sleep(60)\n")
    proc = start_child(script, str(root))
    _wait_ready(proc)
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=30) == -signal.SIGTERM  # still dies by the signal, conventional status
    run_dir = the_run_dir(root)
    _assert_all_n(run_dir)
    status = read_json_file(run_dir / "status.json")
    assert status["status"] == "interrupted" and status["exit_reason"] == "sigterm"


def test_sigterm_mid_loop_keeps_every_event(root: Path, write_script) -> None:  # type: ignore[no-untyped-def]
    script = write_script(
        LOOP
        + """
print("ready", flush=True)
i = N0 = N_BEFORE
while True:
    rn.log({"loss": 0.5, "i": i})
    i += 1
""".replace("N_BEFORE", str(N))
    )
    proc = start_child(script, str(root))
    _wait_ready(proc)
    time.sleep(0.3)
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=30) == -signal.SIGTERM
    run_dir = the_run_dir(root)
    events = read_events(run_dir)  # every line complete JSON
    total = len(events)
    assert total > N
    # Nothing lost in between: steps and the child's own counter are both gap-free.
    assert metric_steps(events) == list(range(1, total + 1))
    assert [e["data"]["i"] for e in events] == list(range(total))
    assert read_json_file(run_dir / "status.json")["status"] == "interrupted"


def test_sigterm_chains_to_a_previous_handler(root: Path, write_script) -> None:  # type: ignore[no-untyped-def]
    script = write_script(
        """
import signal, sys, time
stop = []
signal.signal(signal.SIGTERM, lambda *a: stop.append(1))   # a framework's graceful stop
import runicorn as rn
run = rn.init(project="p", name="n", storage=sys.argv[1])
i = 0
print("ready", flush=True)
while not stop:
    rn.log(i=i)
    i += 1
    time.sleep(0.001)
rn.log_text("stopped gracefully after %d" % i)
print(i, flush=True)
"""
    )
    proc = start_child(script, str(root))
    _wait_ready(proc)
    time.sleep(0.3)
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    logged = int(out.strip().splitlines()[-1])
    run_dir = the_run_dir(root)
    assert [e["data"]["i"] for e in read_events(run_dir)] == list(range(logged))
    assert "stopped gracefully" in (run_dir / "logs.txt").read_text()
    status = read_json_file(run_dir / "status.json")
    assert status["status"] == "interrupted" and status["exit_reason"] == "sigterm"


def test_keyboard_interrupt_marks_interrupted(root: Path, write_script) -> None:  # type: ignore[no-untyped-def]
    script = write_script(LOOP + "print('ready', flush=True)\ntime.sleep(60)\n")
    proc = start_child(script, str(root))
    _wait_ready(proc)
    proc.send_signal(signal.SIGINT)
    proc.wait(timeout=30)
    assert proc.returncode in (-signal.SIGINT, 130, 1)
    run_dir = the_run_dir(root)
    _assert_all_n(run_dir)
    status = read_json_file(run_dir / "status.json")
    assert status["status"] == "interrupted" and status["exit_reason"] == "keyboard_interrupt"


def test_caught_keyboard_interrupt_lets_the_run_go_on(root: Path, write_script) -> None:  # type: ignore[no-untyped-def]
    script = write_script(
        LOOP
        + """
try:
    print("ready", flush=True)
    time.sleep(60)
except KeyboardInterrupt:
    rn.log(i=-1)   # e.g. a final evaluation after stopping training early
rn.finish()
"""
    )
    proc = start_child(script, str(root))
    _wait_ready(proc)
    proc.send_signal(signal.SIGINT)
    assert proc.wait(timeout=30) == 0
    run_dir = the_run_dir(root)
    events = read_events(run_dir)
    assert len(events) == N + 1 and events[-1]["data"]["i"] == -1
    assert read_json_file(run_dir / "status.json")["status"] == "finished"


def test_sigkill_leaves_only_complete_lines(root: Path, write_script) -> None:  # type: ignore[no-untyped-def]
    script = write_script(
        LOOP
        + """
print("ready", flush=True)
i = N_BEFORE
while True:
    rn.log({"loss": 0.5, "i": i, f"key_{i % 7}": i})
    i += 1
""".replace("N_BEFORE", str(N))
    )
    proc = start_child(script, str(root))
    _wait_ready(proc)
    time.sleep(1.5)
    proc.kill()
    proc.wait(timeout=30)
    run_dir = the_run_dir(root)
    events = read_events(run_dir)  # strict: a torn line would fail here
    total = len(events)
    assert total >= N  # everything logged before "ready" was flushed well within 1.5 s
    assert metric_steps(events) == list(range(1, total + 1))
    assert read_json_file(run_dir / "status.json")["status"] == "running"


def test_two_runs_one_after_the_other(root: Path, write_script) -> None:  # type: ignore[no-untyped-def]
    script = write_script(
        """
import sys
import runicorn as rn
a = rn.init(project="p", name="a", storage=sys.argv[1])
for i in range(1000):
    rn.log(i=i)
b = rn.init(project="p", name="b", storage=sys.argv[1])   # finishes a
for i in range(2000):
    rn.log(i=i)
raise SystemExit(0)
"""
    )
    proc = run_child(script, str(root))
    assert proc.returncode == 0, proc.stderr
    for name, count in (("a", 1000), ("b", 2000)):
        run_dir = next((root / "p" / name / "runs").iterdir())
        assert [e["data"]["i"] for e in read_events(run_dir)] == list(range(count))
        assert read_json_file(run_dir / "status.json")["status"] == "finished"


def test_forked_child_does_not_touch_the_parents_run(root: Path, write_script) -> None:  # type: ignore[no-untyped-def]
    if not hasattr(os, "fork"):
        pytest.skip("no fork on this platform")
    script = write_script(
        """
import os, sys
import runicorn as rn
run = rn.init(project="p", name="n", storage=sys.argv[1])
for i in range(100):
    rn.log(i=i)
pid = os.fork()
if pid == 0:
    rn.log(i=-1)         # ignored in the child, with a warning
    sys.exit(0)          # atexit in the child must not finish the parent's run
os.waitpid(pid, 0)
import json
print(json.load(open(os.path.join(run.run_dir, "status.json")))["status"], flush=True)
for i in range(100, 200):
    rn.log(i=i)
"""
    )
    proc = run_child(script, str(root))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "running"
    run_dir = the_run_dir(root)
    assert [e["data"]["i"] for e in read_events(run_dir)] == list(range(200))
    assert read_json_file(run_dir / "status.json")["status"] == "finished"


def test_signal_inside_our_own_locked_section_is_deferred(root: Path, write_script) -> None:  # type: ignore[no-untyped-def]
    # A SIGTERM that lands while the main thread holds the writer's lock (a flush, a summary write)
    # must not deadlock: it is handled right after the section ends.
    script = write_script(
        """
import os, signal, sys, time
import runicorn as rn
from runicorn import lifecycle
run = rn.init(project="p", name="n", storage=sys.argv[1])
for i in range(100):
    rn.log(i=i)
with lifecycle.critical(), run._writer._io_lock:
    os.kill(os.getpid(), signal.SIGTERM)
    time.sleep(0.2)
    print("section finished first", flush=True)
print("not reached", flush=True)
"""
    )
    proc = run_child(script, str(root), timeout=30)
    assert proc.returncode == -signal.SIGTERM, proc.stderr
    assert proc.stdout.strip() == "section finished first"
    run_dir = the_run_dir(root)
    assert [e["data"]["i"] for e in read_events(run_dir)] == list(range(100))
    assert read_json_file(run_dir / "status.json")["status"] == "interrupted"


def test_sigterm_while_waking_the_writer_does_not_deadlock(root: Path, write_script) -> None:  # type: ignore[no-untyped-def]
    # A tight rn.log loop wakes the writer thread (Event.set, which holds the Event's own lock)
    # many times a second; the SIGTERM handler wakes it too, to drain before exiting. A signal
    # landing inside the first set() used to hang the process forever on that lock. The trap below
    # delivers SIGTERM exactly there, every time, instead of once in a few hundred runs.
    script = write_script(
        """
import os, signal, sys, threading
import runicorn as rn

class Trap(threading.Event):
    armed = False
    def set(self):
        with self._cond:
            if Trap.armed and threading.current_thread() is threading.main_thread():
                Trap.armed = False
                os.kill(os.getpid(), signal.SIGTERM)
                for _ in range(10000):  # the handler runs between these bytecodes, lock held
                    pass
            self._flag = True
            self._cond.notify_all()

run = rn.init(project="p", name="n", storage=sys.argv[1])
run._writer._wake = Trap()
rn.log({"loss": 0.5})
Trap.armed = True
run._writer.pressure()
print("not reached: SIGTERM ends the process", flush=True)
"""
    )
    proc = start_child(script, str(root))
    try:
        assert proc.wait(timeout=20) == -signal.SIGTERM, proc.stderr.read() if proc.stderr else ""
    finally:
        proc.kill()
    run_dir = the_run_dir(root)
    assert len(read_events(run_dir)) == 1
    assert read_json_file(run_dir / "status.json")["status"] == "interrupted"
