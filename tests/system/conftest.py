"""Fixtures of the system tests: a fake NVML at the pynvml boundary."""

from __future__ import annotations

import pytest

from apps.system import gpu

from .fake_nvml import FakeGpu, FakeNvml


@pytest.fixture
def fresh_nvml_session(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test starts with NVML not yet initialised, as a fresh viewer process does."""
    monkeypatch.setattr(gpu, "session", gpu._Session())


@pytest.fixture
def fake_nvml(monkeypatch: pytest.MonkeyPatch, fresh_nvml_session: None):  # type: ignore[no-untyped-def]
    """Install a fake NVML; call it with the GPUs the test wants (default: one idle H100)."""

    def _install(*gpus: FakeGpu) -> FakeNvml:
        fake = FakeNvml(list(gpus) if gpus else [FakeGpu()])
        fake.install(monkeypatch)
        return fake

    return _install
