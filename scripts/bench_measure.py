"""How the Python peers measure one benchmark operation, the same way bench/oursChild.ts measures ours.

Wall time and CPU time cover the operation alone (imports and input generation excluded). Memory is
read from /proc/self/status: VmRSS before the operation as the baseline, VmHWM (the peak resident
set) right after it, before any verification work can raise it.
"""

import re
import resource
import time
from typing import Callable, TypeVar

T = TypeVar("T")


def status_kib(field: str) -> int:
    with open("/proc/self/status") as f:
        match = re.search(rf"^{field}:\s+(\d+) kB$", f.read(), re.M)
    if not match:
        raise SystemExit(f"/proc/self/status has no {field} line; the benchmark needs Linux")
    return int(match.group(1))


def cpu_seconds() -> float:
    """User + system time of every thread of this process (DataFusion and pyarrow use several)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def measure(operation: Callable[[], T]) -> tuple[T, dict]:
    """Runs the operation; returns its result and the figures of the JSON line the runners read."""
    baseline = status_kib("VmRSS")
    started = time.perf_counter()
    cpu_before = cpu_seconds()
    result = operation()
    ms = (time.perf_counter() - started) * 1000
    cpu_ms = (cpu_seconds() - cpu_before) * 1000
    return result, {"ms": ms, "cpuMs": cpu_ms, "baselineKiB": baseline, "peakKiB": status_kib("VmHWM")}
