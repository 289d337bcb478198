"""delta-rs side of the writer benchmark (bench/writerRun.ts): runs one job and prints one JSON line.

usage: bench-writer-peer.py run <job-json>
       bench-writer-peer.py generate <table-dir> <json-params>

Jobs (see bench/writer/writerJob.ts):
  append  write_deltalake of `rows` generated rows into a new table
  (append, merge and delete take an optional "compression": "ZSTD": WriterProperties(compression=...),
  at the codec's default level, instead of delta-rs' default codec)
  merge   DeltaTable.merge of the generated MERGE source (upsert on id) into the table
  delete  DeltaTable.delete(where): copy-on-write (delta-rs writes no deletion vectors)
  count   rows of the table and rows matching `where`, read through DataFusion (the verification)

The rows are computed from the row number by the integer formulas of bench/writer/writerData.ts,
repeated here with pyarrow compute, so both engines write the same values. Generating the input is
not timed: timing covers the operation alone, from table path to committed version (bench_measure.py).

`generate` writes the MERGE/DELETE target (rows 0..rows-1) with write_deltalake, and a copy of it with
deletion vectors enabled (same data files, hard-linked; see add_deletion_vectors_copy).
"""

import json
import os
import sys
import time

import pyarrow as pa
import pyarrow.compute as pc
from deltalake import DeltaTable, QueryBuilder, WriterProperties, write_deltalake

from bench_measure import measure
from bench_wide_columns import CATEGORIES, WIDE_SCHEMA, customers, decimals

DAY0 = 18_262
US0 = 1_577_836_800_000_000
BATCH_ROWS = 100_000
MERGED_CATEGORY = "merged"


def log(message: str) -> None:
    print(f"[writer-peer] {message}", file=sys.stderr, flush=True)


def mod(values: pa.Array, m: int) -> pa.Array:
    """values mod m for non-negative int64 values (Arrow's integer divide truncates)."""
    return pc.subtract(values, pc.multiply(pc.divide(values, m), m))


def batch_of(ids: pa.Array, category: str | None = None) -> pa.RecordBatch:
    """The columns of writerBatch (bench/writer/writerData.ts), computed from the ids."""
    n = len(ids)
    categories = (pa.array([category] * n, pa.string()) if category is not None
                  else CATEGORIES.take(mod(ids, 24)))
    return pa.record_batch([
        ids,
        pc.cast(pc.subtract(mod(pc.multiply(ids, 7919), 2000), 1000), pa.int32()),
        pc.divide(pc.cast(mod(pc.multiply(ids, 48_271), 1_000_003), pa.float64()), 1000.0),
        pc.subtract(pc.divide(pc.cast(mod(pc.multiply(ids, 69_621), 65_537), pa.float64()), 65_537.0), 0.5),
        customers(mod(pc.multiply(ids, 40_503), 2_000_000)),
        categories,
        pc.cast(pc.cast(pc.add(mod(pc.multiply(ids, 31), 2000), DAY0), pa.int32()), pa.date32()),
        pc.cast(pc.add(pc.add(pc.multiply(mod(pc.multiply(ids, 1_000_003), 172_800_000), 1_000_000), US0),
                       pc.multiply(mod(ids, 1000), 1000)), pa.timestamp("us", tz="UTC")),
        decimals(mod(pc.multiply(ids, 7907), 10_000_000), pa.decimal128(18, 2)),
        decimals(mod(pc.multiply(ids, 3571), 99_999_999), pa.decimal128(10, 4)),
    ], schema=WIDE_SCHEMA)


def sequential_batches(rows: int):
    for first in range(0, rows, BATCH_ROWS):
        yield batch_of(pa.array(range(first, min(rows, first + BATCH_ROWS)), pa.int64()))


def merge_source_batches(target_rows: int, source_rows: int):
    """mergeSourceBatches of writerData.ts: every 100th row updates a spread target id, the rest insert."""
    spacing = target_rows // -(-source_rows // 100)
    for first in range(0, source_rows, BATCH_ROWS):
        k = pa.array(range(first, min(source_rows, first + BATCH_ROWS)), pa.int64())
        matches = pc.equal(mod(k, 100), 0)
        ids = pc.if_else(matches, pc.add(pc.multiply(pc.divide(k, 100), spacing), spacing // 2), pc.add(k, target_rows))
        yield batch_of(ids, MERGED_CATEGORY)


def count(path: str, where: str) -> dict:
    result = QueryBuilder().register("t", DeltaTable(path)).execute(
        f"SELECT count(*) AS rows, count(*) FILTER (WHERE {where}) AS matching FROM t").read_all()
    row = pa.table(result).to_pylist()[0]
    return {"rows": row["rows"], "matching": row["matching"]}


def prepare(job: dict):
    """The input of a job, built before the clock starts."""
    if job["op"] == "append":
        return pa.Table.from_batches(list(sequential_batches(job["rows"])), schema=WIDE_SCHEMA)
    if job["op"] == "merge":
        return pa.Table.from_batches(list(merge_source_batches(job["targetRows"], job["sourceRows"])), schema=WIDE_SCHEMA)
    return None


def writer_properties(job: dict) -> WriterProperties | None:
    """The job's codec (at its default level: ZSTD 1), or None for delta-rs' own default."""
    codec = job.get("compression")
    return WriterProperties(compression=codec) if codec else None


def operate(job: dict, data) -> dict:
    op, path = job["op"], job["table"]
    properties = writer_properties(job)
    if op == "append":
        write_deltalake(path, data, mode="error", writer_properties=properties)
        return {"rowsAdded": data.num_rows}
    if op == "merge":
        metrics = (DeltaTable(path)
                   .merge(source=data, predicate="t.id = s.id", source_alias="s", target_alias="t",
                          writer_properties=properties)
                   .when_matched_update_all().when_not_matched_insert_all().execute())
        return {"rowsUpdated": metrics["num_target_rows_updated"], "rowsInserted": metrics["num_target_rows_inserted"]}
    if op == "delete":
        if job.get("deletionVectors"):
            raise SystemExit("delta-rs writes no deletion vectors; the runner never asks it to")
        metrics = DeltaTable(path).delete(job["where"], writer_properties=properties)
        return {"rowsDeleted": metrics["num_deleted_rows"]}
    if op == "count":
        return count(path, job["where"])
    raise SystemExit(f"unknown job {op}")


def run(job: dict) -> None:
    data = prepare(job)
    outcome, figures = measure(lambda: operate(job, data))
    print(json.dumps({**figures, **outcome}))


def add_deletion_vectors_copy(source: str, target: str) -> None:
    """The same table (data files hard-linked, one commit) with delta.enableDeletionVectors=true.

    delta-rs can create such a table itself, but it then also declares the variantType writer
    feature, which our writer refuses; so the protocol and property are written here, as a table
    created by Spark with deletion vectors would have them.
    """
    log_dir = os.path.join(source, "_delta_log")
    commits = sorted(name for name in os.listdir(log_dir) if name.endswith(".json"))
    if commits != ["00000000000000000000.json"]:
        raise SystemExit(f"{source}: expected a single commit, found {commits}")
    os.makedirs(os.path.join(target, "_delta_log"))
    for name in os.listdir(source):
        if name.endswith(".parquet"):
            os.link(os.path.join(source, name), os.path.join(target, name))
    lines = []
    with open(os.path.join(log_dir, commits[0])) as f:
        for line in f:
            action = json.loads(line)
            if "protocol" in action:
                action = {"protocol": {"minReaderVersion": 3, "minWriterVersion": 7,
                                       "readerFeatures": ["deletionVectors"], "writerFeatures": ["deletionVectors"]}}
            elif "metaData" in action:
                action["metaData"]["configuration"] = {**(action["metaData"].get("configuration") or {}),
                                                       "delta.enableDeletionVectors": "true"}
            lines.append(json.dumps(action, separators=(",", ":")))
    with open(os.path.join(target, "_delta_log", commits[0]), "w") as f:
        f.write("\n".join(lines) + "\n")


def generate(root: str, params: dict) -> None:
    rows = params["rows"]
    plain, with_dvs = os.path.join(root, "plain"), os.path.join(root, "dv")
    started = time.time()

    def batches():
        for batch in sequential_batches(rows):
            yield batch
            if (batch["id"][0].as_py() // BATCH_ROWS) % 10 == 0:
                log(f"{plain}: {batch['id'][0].as_py() + len(batch)}/{rows} rows ({time.time() - started:.0f}s)")

    write_deltalake(plain, pa.RecordBatchReader.from_batches(WIDE_SCHEMA, batches()), mode="error")
    add_deletion_vectors_copy(plain, with_dvs)
    for path in (plain, with_dvs):
        table = DeltaTable(path)
        log(f"{path}: delta-rs reads version {table.version()}, {len(table.file_uris())} files, {count(path, 'id < 0')['rows']} rows")


def main() -> None:
    command = sys.argv[1] if len(sys.argv) > 1 else ""
    if command == "run":
        run(json.loads(sys.argv[2]))
    elif command == "generate":
        generate(sys.argv[2], json.loads(sys.argv[3]))
    else:
        raise SystemExit("usage: bench-writer-peer.py run <job-json> | generate <table-dir> <json-params>")


if __name__ == "__main__":
    main()
