"""Fixtures of the ingest endpoint tests: a client that uploads raw bodies, and disk snapshots."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import pytest
from rest_framework.test import APIClient

from tests.runs.conftest import tree

__all__ = ["tree"]

RUN_ID = "20250114_153045_a1b2c3"
EVENT = b'{"ts": 1.0, "type": "metrics", "data": {"loss": 0.5, "global_step": 1, "time": 1.0}}\n'


class Uploader:
    """Calls the ingest API the way the SDK does: raw bytes, JSON documents, optional gzip."""

    def __init__(self, client: APIClient) -> None:
        self.client = client

    def declare(self, run_id: str = RUN_ID, project: str = "vision", name: str = "resnet") -> Any:
        return self.client.post("/api/ingest/runs", json.dumps({"project": project, "name": name, "run_id": run_id}),
                                content_type="application/json")

    def append(self, data: bytes, offset: int, file: str = "events.jsonl", run_id: str = RUN_ID,
               gzipped: bool = False) -> Any:
        extra = {"HTTP_CONTENT_ENCODING": "gzip"} if gzipped else {}
        body = gzip.compress(data) if gzipped else data
        return self.client.generic("POST", f"/api/ingest/runs/{run_id}/append/{file}?offset={offset}", body,
                                   content_type="application/octet-stream", **extra)

    def put(self, path: str, body: bytes, **extra: Any) -> Any:
        return self.client.generic("PUT", path, body, content_type="application/octet-stream", **extra)

    def post_json(self, path: str, body: Any) -> Any:
        return self.client.generic("POST", path, json.dumps(body), content_type="application/json")


@pytest.fixture
def up(api: APIClient, storage_root: Path) -> Uploader:
    return Uploader(api)


@pytest.fixture
def run_path(storage_root: Path) -> Path:
    return storage_root / "vision" / "resnet" / "runs" / RUN_ID
