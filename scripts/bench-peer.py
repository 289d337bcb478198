"""delta-rs side of the reader benchmark: runs one job (see bench/benchJob.ts) and prints one JSON line.

usage: bench-peer.py <job-json> datafusion|pyarrow

Scans go through one of delta-rs' two readers: `datafusion` is DeltaTable.scan (its native Rust
engine, streaming, with stats pruning), `pyarrow` is DeltaTable.to_pyarrow_dataset (fragments carry
each file's min/max stats as partition expressions, so the filter skips files too).

Timing covers the operation alone (imports excluded), like bench/oursChild.ts. Peak memory is VmHWM
read right after the operation, before the verification counts below are computed.
"""

import json
import re
import resource
import sys
import time

import pyarrow.dataset as pads
from deltalake import DeltaTable


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


def sql_predicate(r: dict) -> str:
    return f"{r['column']} >= {r['min']} AND {r['column']} < {r['maxExclusive']}"


def arrow_filter(r: dict | None):
    if r is None:
        return None
    column = pads.field(r["column"])
    return (column >= r["min"]) & (column < r["maxExclusive"])


def scan_batches(table: DeltaTable, r: dict | None, reader: str):
    if reader == "datafusion":
        return table.scan(predicate=None if r is None else sql_predicate(r))
    return table.to_pyarrow_dataset().to_batches(filter=arrow_filter(r))


def files_read(table: DeltaTable, r: dict | None, reader: str) -> int:
    """Files left after stats pruning: DataFusion's scan prunes with the same predicate file_uris takes."""
    if reader == "datafusion":
        return len(table.file_uris(file_pruning_predicate=None if r is None else sql_predicate(r)))
    return len(list(table.to_pyarrow_dataset().get_fragments(filter=arrow_filter(r))))


def main() -> None:
    job, reader = json.loads(sys.argv[1]), sys.argv[2]
    if reader not in ("datafusion", "pyarrow"):
        raise SystemExit(f"unknown reader {reader}: datafusion or pyarrow")
    baseline = status_kib("VmRSS")
    started = time.perf_counter()
    cpu_before = cpu_seconds()
    table = DeltaTable(job["path"])
    result: dict = {}
    if job["op"] == "scan":
        rows = 0
        for batch in scan_batches(table, job.get("range"), reader):
            rows += batch.num_rows
        result["rows"] = rows
    ms = (time.perf_counter() - started) * 1000
    cpu_ms = (cpu_seconds() - cpu_before) * 1000
    peak = status_kib("VmHWM")
    result["files"] = len(table.file_uris())
    if job["op"] == "scan":
        result["filesRead"] = files_read(table, job.get("range"), reader)
    print(json.dumps({"ms": ms, "cpuMs": cpu_ms, "baselineKiB": baseline, "peakKiB": peak, **result}))


if __name__ == "__main__":
    main()
