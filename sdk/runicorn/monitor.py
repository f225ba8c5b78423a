"""System metrics of a run: ``rn.init(monitor_system=True, monitor_interval=5.0)``.

A daemon thread samples the machine every ``monitor_interval`` seconds and queues one metrics
event per sample on the run's buffered writer -- the same queue ``log()`` appends to, so the
sampler never touches the disk itself and never makes ``log()`` wait. The keys:

========================================  ===================================================
``system/cpu_pct``                        whole-machine CPU busy %, over the last interval
``system/mem_used_pct``, ``_mem_used_mib``  machine memory in use (total - available)
``system/proc_cpu_pct``                   this process's CPU % (100 = one core busy)
``system/proc_rss_mib``                   this process's resident memory
``system/gpu<i>_util``                    GPU busy % (NVML), ``i`` = the nvidia-smi index
``system/gpu<i>_mem_util``                GPU memory-controller busy %
``system/gpu<i>_mem_used_pct``, ``_mem_used_mib``   GPU memory in use
``system/gpu<i>_temp_c``, ``_power_w``    temperature and power draw, where the card reports them
========================================  ===================================================

Sources: ``/proc`` on Linux (``/proc/stat``, ``/proc/meminfo``, ``/proc/self/status``), psutil
elsewhere when it is installed (without either, no CPU/memory keys); GPUs through NVML
(``pynvml``, from the nvidia-ml-py package) when it imports and finds a driver, limited to the
cards in ``CUDA_VISIBLE_DEVICES`` when that is set. A reading that fails is left out of that
sample; the sampler itself never raises into the training process.

Steps: a sample carries the run's *current* global_step (the step of the user's last ``log()``,
0 before the first) and never advances it, so the user's own step sequence is exactly what they
logged. Several samples may share a step; system metrics are meant to be read against time
(the viewer's time axis, or the ``time`` of each point).
"""

from __future__ import annotations

import logging
import math
import os
import sys
import threading
import time
from collections.abc import Callable
from typing import Any, Dict, List, Optional, Tuple

logger = logging.getLogger("runicorn")

MIN_INTERVAL = 0.1  # seconds; faster sampling measures mostly the sampler itself
MIB = 1024 * 1024
PREFIX = "system/"

Sample = Dict[str, float]


def check_interval(interval: Any) -> float:
    """``monitor_interval`` as a float, or ValueError that says what is accepted."""
    try:
        value = float(interval)
    except (TypeError, ValueError):
        raise ValueError(f"monitor_interval must be a number of seconds, got {interval!r}") from None
    if not math.isfinite(value) or value < MIN_INTERVAL:
        raise ValueError(f"monitor_interval must be at least {MIN_INTERVAL} seconds, got {interval!r}")
    return value


def _put(sample: Sample, key: str, value: Any, digits: int = 2) -> None:
    if value is None:
        return
    number = float(value)
    if math.isfinite(number):
        sample[key] = round(number, digits)


# ---- CPU and memory --------------------------------------------------------------------------
class ProcSource:
    """Linux: machine CPU from /proc/stat, memory from /proc/meminfo, RSS from /proc/self/status."""

    def __init__(self) -> None:
        self._cpu = self._cpu_times()

    @staticmethod
    def available() -> bool:
        return sys.platform.startswith("linux") and os.path.exists("/proc/stat")

    @staticmethod
    def _cpu_times() -> Optional[Tuple[int, int]]:
        """(busy, total) jiffies of the machine since boot."""
        with open("/proc/stat", "rb") as fh:
            fields = fh.readline().split()
        if not fields or fields[0] != b"cpu":
            return None
        # user nice system idle iowait irq softirq steal; guest time is already inside user/nice.
        values = [int(v) for v in fields[1:9]]
        idle = values[3] + (values[4] if len(values) > 4 else 0)
        total = sum(values)
        return total - idle, total

    @staticmethod
    def _kib_fields(path: str, names: Tuple[bytes, ...]) -> Dict[bytes, int]:
        found: Dict[bytes, int] = {}
        with open(path, "rb") as fh:
            for line in fh:
                key, _, rest = line.partition(b":")
                if key in names:
                    found[key] = int(rest.split()[0])  # "123456 kB"
        return found

    def read(self, sample: Sample) -> None:
        try:
            now = self._cpu_times()
            before, self._cpu = self._cpu, now
            if now is not None and before is not None and now[1] > before[1]:
                _put(sample, "cpu_pct", 100.0 * (now[0] - before[0]) / (now[1] - before[1]))
        except (OSError, ValueError, IndexError):
            pass
        try:
            mem = self._kib_fields("/proc/meminfo", (b"MemTotal", b"MemAvailable"))
            total, available = mem.get(b"MemTotal"), mem.get(b"MemAvailable")
            if total and available is not None:
                _put(sample, "mem_used_pct", 100.0 * (total - available) / total)
                _put(sample, "mem_used_mib", (total - available) / 1024.0)
        except (OSError, ValueError, IndexError):
            pass
        try:
            rss = self._kib_fields("/proc/self/status", (b"VmRSS",)).get(b"VmRSS")
            if rss is not None:
                _put(sample, "proc_rss_mib", rss / 1024.0)
        except (OSError, ValueError, IndexError):
            pass


class PsutilSource:
    """Any platform psutil supports (macOS, Windows, BSD)."""

    def __init__(self, psutil: Any) -> None:
        self._psutil = psutil
        self._process = psutil.Process()
        psutil.cpu_percent(interval=None)  # the first call only sets the baseline

    def read(self, sample: Sample) -> None:
        psutil = self._psutil
        try:
            _put(sample, "cpu_pct", psutil.cpu_percent(interval=None))
            mem = psutil.virtual_memory()
            _put(sample, "mem_used_pct", 100.0 * (mem.total - mem.available) / mem.total)
            _put(sample, "mem_used_mib", (mem.total - mem.available) / MIB)
            _put(sample, "proc_rss_mib", self._process.memory_info().rss / MIB)
        except Exception as exc:  # psutil.Error and platform oddities alike
            logger.debug("runicorn: psutil reading failed: %s", exc)


def machine_source() -> Any:
    """The CPU/memory reader for this platform, or None when there is none."""
    if ProcSource.available():
        return ProcSource()
    try:
        import psutil
    except ImportError:
        return None
    return PsutilSource(psutil)


class ProcessCpu:
    """This process's CPU % from ``os.times()`` (user + system, all threads), any platform."""

    def __init__(self) -> None:
        self._last = self._now()

    @staticmethod
    def _now() -> Tuple[float, float]:
        times = os.times()
        return times.user + times.system, time.monotonic()

    def read(self, sample: Sample) -> None:
        now = self._now()
        before, self._last = self._last, now
        wall = now[1] - before[1]
        if wall > 0:
            _put(sample, "proc_cpu_pct", 100.0 * (now[0] - before[0]) / wall)


# ---- GPUs ----------------------------------------------------------------------------------
def _visible_entries() -> Optional[List[str]]:
    """CUDA_VISIBLE_DEVICES as a list (None: not set, every card is visible)."""
    raw = os.environ.get("CUDA_VISIBLE_DEVICES")
    if raw is None:
        return None
    return [part.strip() for part in raw.split(",") if part.strip()]


class NvmlSource:
    """GPU readings through pynvml; the session is opened and closed by the sampler thread."""

    def __init__(self, nvml: Any) -> None:
        self._nvml = nvml
        self._cards: List[Tuple[int, Any]] = []  # (nvidia-smi index, handle)

    @classmethod
    def open(cls) -> Optional[NvmlSource]:
        try:
            import pynvml
        except ImportError:
            return None
        source = cls(pynvml)
        try:
            pynvml.nvmlInit()
        except Exception as exc:  # NVMLError: no driver, no card, library missing
            logger.debug("runicorn: no GPU metrics (NVML: %s)", exc)
            return None
        try:
            source._cards = source._find_cards()
        except Exception as exc:
            logger.debug("runicorn: no GPU metrics (NVML: %s)", exc)
            source.close()
            return None
        return source

    def _find_cards(self) -> List[Tuple[int, Any]]:
        nvml = self._nvml
        count = int(nvml.nvmlDeviceGetCount())
        visible = _visible_entries()
        if visible is None:
            return [(i, nvml.nvmlDeviceGetHandleByIndex(i)) for i in range(count)]
        cards: List[Tuple[int, Any]] = []
        for entry in visible:
            try:
                if entry.isdigit():
                    index = int(entry)
                    if index >= count:
                        break  # CUDA ignores this entry and every one after it
                    cards.append((index, nvml.nvmlDeviceGetHandleByIndex(index)))
                else:  # GPU-<uuid> (MIG devices have no utilisation of their own to read)
                    handle = nvml.nvmlDeviceGetHandleByUUID(entry)
                    cards.append((int(nvml.nvmlDeviceGetIndex(handle)), handle))
            except Exception as exc:
                logger.debug("runicorn: CUDA_VISIBLE_DEVICES entry %r not found by NVML: %s", entry, exc)
        return cards

    @property
    def cards(self) -> List[int]:
        return [index for index, _ in self._cards]

    def read(self, sample: Sample) -> None:
        nvml = self._nvml
        for index, handle in self._cards:
            key = f"gpu{index}_"
            util = _nvml_value(lambda h=handle: nvml.nvmlDeviceGetUtilizationRates(h))
            if util is not None:
                _put(sample, key + "util", util.gpu)
                _put(sample, key + "mem_util", util.memory)
            mem = _nvml_value(lambda h=handle: nvml.nvmlDeviceGetMemoryInfo(h))
            if mem is not None:
                if mem.total:
                    _put(sample, key + "mem_used_pct", 100.0 * mem.used / mem.total)
                _put(sample, key + "mem_used_mib", mem.used / MIB)
            _put(sample, key + "temp_c",
                 _nvml_value(lambda h=handle: nvml.nvmlDeviceGetTemperature(h, nvml.NVML_TEMPERATURE_GPU)))
            power_mw = _nvml_value(lambda h=handle: nvml.nvmlDeviceGetPowerUsage(h))
            if power_mw is not None:
                _put(sample, key + "power_w", power_mw / 1000.0)

    def close(self) -> None:
        _nvml_value(self._nvml.nvmlShutdown)


def _nvml_value(call: Callable[[], Any]) -> Any:
    """One NVML reading, None when the card cannot give it (not supported, lost, ...)."""
    try:
        return call()
    except Exception as exc:  # pynvml.NVMLError; a lost card must not end the sampler
        logger.debug("runicorn: NVML reading failed: %s", exc)
        return None


# ---- the sampler thread ----------------------------------------------------------------------
class SystemMonitor:
    """Samples every ``interval`` seconds and hands ``(ts, step, payload, None)`` items to ``sink``.

    ``sink`` is the run writer's event queue (``deque.append``); ``current_step`` returns the
    run's global_step without advancing it.
    """

    def __init__(self, sink: Callable[[Any], None], current_step: Callable[[], int], interval: float = 5.0,
                 *, name: str = "run") -> None:
        self.interval = check_interval(interval)
        self._sink = sink
        self._current_step = current_step
        self._stop = threading.Event()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._loop, name=f"runicorn-monitor-{name}", daemon=True)
        self.samples = 0
        self.gpus: List[int] = []

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        """Ask the thread to end and wait for it (a sample already taken is queued first)."""
        self._stop.set()
        if self._thread.is_alive() and threading.current_thread() is not self._thread:
            self._thread.join(timeout=timeout)

    def detach(self) -> None:
        """In a forked child: the thread is the parent's; only make sure nothing starts here."""
        self._stop.set()

    def wait_ready(self, timeout: float = 5.0) -> bool:
        """True once the sources are open (NVML's start can take a moment on a real machine)."""
        return self._ready.wait(timeout)

    def _loop(self) -> None:
        # The sources are opened here, not in init(): NVML's start costs the training script nothing.
        sources: List[Any] = []
        nvml: Optional[NvmlSource] = None
        try:
            machine = machine_source()
            if machine is not None:
                sources.append(machine)
            sources.append(ProcessCpu())
            nvml = NvmlSource.open()
            if nvml is not None:
                sources.append(nvml)
                self.gpus = nvml.cards
        except Exception:
            logger.exception("runicorn: system monitor could not start its readers")
        finally:
            self._ready.set()
        try:
            next_at = time.monotonic() + self.interval
            while not self._stop.wait(max(0.0, next_at - time.monotonic())):
                # Keep the cadence; after a stall longer than an interval (a suspended laptop)
                # go on from now rather than catching up with a burst of samples.
                now = time.monotonic()
                next_at = next_at + self.interval if next_at + self.interval > now else now + self.interval
                self._sample(sources)
        finally:
            if nvml is not None:
                nvml.close()

    def _sample(self, sources: List[Any]) -> None:
        sample: Sample = {}
        for source in sources:
            try:
                source.read(sample)
            except Exception:  # a reader must never end the thread
                logger.debug("runicorn: system reading failed", exc_info=True)
        if not sample:
            return
        ts = time.time()
        payload = {PREFIX + key: value for key, value in sample.items()}
        try:
            step = int(self._current_step())
        except Exception:
            step = 0
        self._sink((ts, step, payload, None))
        self.samples += 1
