"""Servers for the API client tests.

* :class:`RestartableViewer`: a real ``runicorn viewer`` (daphne) that can be stopped and started
  again on the same port, with the same storage root and index database -- what a user sees when
  the viewer is restarted while a script is talking to it.
* :class:`ScriptedServer`: a plain stdlib HTTP server answering a fixed list of statuses, for the
  retry policy on 5xx answers, which the real viewer gives only when it is broken.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import requests

from tests.fixtures.live_server import LiveViewer, free_port, stop_viewer


class RestartableViewer:
    def __init__(self, root: Path, workdir: Path, **env: str) -> None:
        self.root = root
        self.workdir = workdir
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.db_path = workdir / f"viewer-{self.port}.sqlite3"
        self.env = {
            **os.environ,
            "RUNICORN_DIR": str(root),
            "RUNICORN_DB_PATH": str(self.db_path),
            "RUNICORN_START_INDEXER": "1",
            "PYTHONUNBUFFERED": "1",
            **env,
        }
        self.live: LiveViewer | None = None
        self.starts = 0

    def start(self, timeout: float = 60.0) -> None:
        self.starts += 1
        log_path = self.workdir / f"viewer-{self.port}-{self.starts}.log"
        with open(log_path, "wb") as log_file:
            process = subprocess.Popen(
                [sys.executable, "-m", "runicorn", "viewer", "--host", "127.0.0.1", "--port", str(self.port)],
                stdout=log_file, stderr=subprocess.STDOUT, env=self.env,
            )
        self.live = LiveViewer(self.url, self.root, process, log_path)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(f"viewer exited with {process.returncode}:\n{self.live.log()}")
            try:
                if requests.get(self.url + "/api/health", timeout=1).ok:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.1)
        process.kill()
        raise RuntimeError(f"viewer did not answer within {timeout} s:\n{self.live.log()}")

    def stop(self) -> None:
        if self.live is not None:
            stop_viewer(self.live)
            self.live = None

    def restart(self) -> None:
        self.stop()
        self.start()

    def manage(self, *args: str) -> str:
        """``manage.py <args>`` against this viewer's database and settings; its stdout."""
        done = subprocess.run([sys.executable, "manage.py", *args], env=self.env, capture_output=True, text=True,
                              timeout=60, cwd=Path(__file__).resolve().parents[2])
        if done.returncode != 0:
            raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{done.stderr}")
        return done.stdout


class ScriptedServer:
    """Answers requests with the next ``(status, headers, body)`` of ``script``; records each request."""

    def __init__(self, script: list[tuple[int, dict[str, str], object]]) -> None:
        self.script = list(script)
        self.requests: list[tuple[str, str]] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                if length:
                    self.rfile.read(length)
                server.requests.append((self.command, self.path))
                status, headers, body = server.script.pop(0) if server.script else (200, {}, {"status": "ok"})
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for name, value in headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_DELETE = _answer

            def log_message(self, *args: object) -> None:  # quiet
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"

    @contextmanager
    def running(self) -> Iterator[ScriptedServer]:
        thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        thread.start()
        try:
            yield self
        finally:
            self.httpd.shutdown()
            self.httpd.server_close()
