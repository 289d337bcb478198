"""delta-rs side of bench/optimize.ts: one OPTIMIZE in this process, then its time, CPU time (all threads) and peak RSS.

Usage: python bench/optimizePeer.py compact|zorder <table> <target_size> [columns,comma,separated]
"""
import json
import resource
import sys
import time

from deltalake import DeltaTable

op, path, target = sys.argv[1], sys.argv[2], int(sys.argv[3])
dt = DeltaTable(path)
usage = resource.getrusage(resource.RUSAGE_SELF)
baseline = usage.ru_maxrss
cpu = usage.ru_utime + usage.ru_stime
started = time.perf_counter()
if op == "compact":
    metrics = dt.optimize.compact(target_size=target)
else:
    metrics = dt.optimize.z_order(sys.argv[4].split(","), target_size=target)
ms = (time.perf_counter() - started) * 1000
after = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({
    "ms": ms,
    "cpuMs": (after.ru_utime + after.ru_stime - cpu) * 1000,
    "baselineKiB": baseline,
    "peakKiB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
    "filesAdded": metrics.get("numFilesAdded"),
    "filesRemoved": metrics.get("numFilesRemoved"),
}))
