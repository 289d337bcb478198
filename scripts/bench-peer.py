"""delta-rs side of the reader benchmark: runs one job (see bench/benchJob.ts) and prints one JSON line.

Timing covers the operation alone (imports excluded), like bench/oursChild.ts. Peak memory is VmHWM
read right after the operation, before the verification counts below are computed.
"""

import json
import re
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


def main() -> None:
    job = json.loads(sys.argv[1])
    baseline = status_kib("VmRSS")
    started = time.perf_counter()
    table = DeltaTable(job["path"])
    result: dict = {}
    if job["op"] == "scan":
        # The Arrow dataset delta-rs builds carries each file's min/max stats as its fragment's
        # partition expression, so the filter skips files the way our stats skipping does.
        dataset = table.to_pyarrow_dataset()
        expression = None
        if "range" in job:
            r = job["range"]
            column = pads.field(r["column"])
            expression = (column >= r["min"]) & (column < r["maxExclusive"])
        rows = 0
        for batch in dataset.to_batches(filter=expression):
            rows += batch.num_rows
        result["rows"] = rows
    ms = (time.perf_counter() - started) * 1000
    peak = status_kib("VmHWM")
    result["files"] = len(table.file_uris())
    if job["op"] == "scan":
        result["filesRead"] = len(list(dataset.get_fragments(filter=expression)))
    print(json.dumps({"ms": ms, "baselineKiB": baseline, "peakKiB": peak, **result}))


if __name__ == "__main__":
    main()
