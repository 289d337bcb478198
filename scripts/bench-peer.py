"""delta-rs side of the reader benchmark: runs one job (see bench/benchJob.ts) and prints one JSON line.

usage: bench-peer.py <job-json> datafusion|pyarrow

Scans go through one of delta-rs' two readers: `datafusion` is DeltaTable.scan (its native Rust
engine, streaming, with stats pruning), `pyarrow` is DeltaTable.to_pyarrow_dataset (fragments carry
each file's min/max stats as partition expressions, so the filter skips files too).

Timing covers opening the table and the scan (bench_measure.py); the verification counts below are
computed after the peak memory is read.
"""

import json
import sys

import pyarrow.dataset as pads
from deltalake import DeltaTable

from bench_measure import measure


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

    def operate() -> tuple[DeltaTable, dict]:
        table = DeltaTable(job["path"])
        if job["op"] != "scan":
            return table, {}
        return table, {"rows": sum(batch.num_rows for batch in scan_batches(table, job.get("range"), reader))}

    (table, result), figures = measure(operate)
    result["files"] = len(table.file_uris())
    if job["op"] == "scan":
        result["filesRead"] = files_read(table, job.get("range"), reader)
    print(json.dumps({**figures, **result}))


if __name__ == "__main__":
    main()
