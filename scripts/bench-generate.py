"""Generates the reader benchmark tables (bench/run.ts calls this; generation time is not measured).

usage: bench-generate.py <case> <table-dir> <json-params>

Cases:
  commits  (a) many small commits: `commits` versions, one tiny file added per commit, a checkpoint every
           `interval` versions, the latest version deliberately not on a checkpoint.
  files    (b) many active files: `commits` versions adding `filesPerCommit` files each, checkpoints
           every `interval` versions.
  wide     (c) `rows` rows, 10 columns (ints, doubles, strings, date, timestamp, decimals), written by
           delta-rs' own writer with its default file layout.
  sorted   (d) `files` files of `rowsPerFile` rows each over a sorted key, so a key range selects a
           few files and min/max stats skip the rest.

(a) and (b) write the JSON commits directly (write_deltalake per tiny append takes minutes), with data
files hard-linked from a few real Parquet templates whose contents the stats describe truthfully.
delta-rs then writes every checkpoint and loads the result, so the table is one delta-rs accepts.
"""

import json
import os
import sys
import time
import uuid
from datetime import date, datetime, timezone

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from deltalake import DeltaTable, write_deltalake

from bench_wide_columns import CATEGORIES, WIDE_SCHEMA, customers, decimals

SMALL_SCHEMA = {
    "type": "struct",
    "fields": [
        {"name": "id", "type": "long", "nullable": True, "metadata": {}},
        {"name": "value", "type": "double", "nullable": True, "metadata": {}},
        {"name": "name", "type": "string", "nullable": True, "metadata": {}},
    ],
}
TEMPLATES = 64
ROWS_PER_TINY_FILE = 8


def log(message: str) -> None:
    print(f"[generate] {message}", file=sys.stderr, flush=True)


def write_templates(root: str) -> list[dict]:
    """Tiny Parquet files with distinct contents; every data file is a hard link to one of them."""
    tdir = os.path.join(root, "_templates")
    os.makedirs(tdir, exist_ok=True)
    out = []
    for t in range(TEMPLATES):
        ids = list(range(t * ROWS_PER_TINY_FILE, (t + 1) * ROWS_PER_TINY_FILE))
        values = [i * 0.5 for i in ids]
        names = [f"name-{i:06d}" for i in ids]
        table = pa.table({"id": pa.array(ids, pa.int64()), "value": values, "name": names})
        path = os.path.join(tdir, f"t{t}.parquet")
        pq.write_table(table, path, compression="snappy")
        stats = {
            "numRecords": len(ids),
            "minValues": {"id": ids[0], "value": values[0], "name": names[0]},
            "maxValues": {"id": ids[-1], "value": values[-1], "name": names[-1]},
            "nullCount": {"id": 0, "value": 0, "name": 0},
        }
        out.append({"path": path, "size": os.path.getsize(path), "stats": json.dumps(stats, separators=(",", ":"))})
    return out


def commit_line(action: dict) -> str:
    return json.dumps(action, separators=(",", ":"))


def write_small_file_table(root: str, commits: int, files_per_commit: int, interval: int) -> None:
    log_dir = os.path.join(root, "_delta_log")
    os.makedirs(log_dir, exist_ok=True)
    templates = write_templates(root)
    base_ms = int(datetime(2024, 1, 1, tzinfo=timezone.utc).timestamp() * 1000)
    counter = 0
    started = time.time()
    for version in range(commits):
        ts = base_ms + version * 1000
        lines = [commit_line({"commitInfo": {
            "timestamp": ts, "operation": "WRITE",
            "operationParameters": {"mode": "Append"}, "clientVersion": "bench-generate",
        }})]
        if version == 0:
            lines.append(commit_line({"protocol": {"minReaderVersion": 1, "minWriterVersion": 2}}))
            lines.append(commit_line({"metaData": {
                "id": str(uuid.UUID(int=commits * 1000 + files_per_commit)),
                "format": {"provider": "parquet", "options": {}},
                "schemaString": json.dumps(SMALL_SCHEMA),
                "partitionColumns": [],
                "configuration": {"delta.checkpointInterval": str(interval)},
                "createdTime": base_ms,
            }}))
        for _ in range(files_per_commit):
            template = templates[counter % TEMPLATES]
            name = f"part-{counter:07d}-{uuid.UUID(int=counter)}-c000.snappy.parquet"
            os.link(template["path"], os.path.join(root, name))
            lines.append(commit_line({"add": {
                "path": name, "partitionValues": {}, "size": template["size"],
                "modificationTime": ts, "dataChange": True, "stats": template["stats"],
            }}))
            counter += 1
        with open(os.path.join(log_dir, f"{version:020d}.json"), "w") as f:
            f.write("\n".join(lines) + "\n")
        if version % 1000 == 0:
            log(f"{root}: commit {version}/{commits} ({time.time() - started:.0f}s)")
    for version in range(interval, commits, interval):
        # Each load starts from the previous checkpoint, so this stays linear in the table size.
        DeltaTable(root, version=version).create_checkpoint()
        if version % (interval * 10) == 0:
            log(f"{root}: checkpoint {version} ({time.time() - started:.0f}s)")


def write_wide_table(root: str, rows: int, seed: int) -> None:
    """Ten columns of the common types; batches of 500k rows keep generation memory modest."""
    day0 = (date(2020, 1, 1) - date(1970, 1, 1)).days
    us0 = int(datetime(2020, 1, 1, tzinfo=timezone.utc).timestamp()) * 1_000_000

    def batches():
        step = 500_000
        for index, start in enumerate(range(0, rows, step)):
            n = min(step, rows - start)
            rand = Random(seed * 1000 + index, n)
            yield pa.record_batch([
                pa.array(range(start, start + n), pa.int64()),
                pc.cast(pc.subtract(rand.ints(2000), 1000), pa.int32()),
                pc.multiply(rand.floats(), 1000.0),
                pc.subtract(rand.floats(), 0.5),
                customers(rand.ints(2_000_000)),
                CATEGORIES.take(rand.ints(24)),
                pc.cast(pc.cast(pc.add(rand.ints(2000), day0), pa.int32()), pa.date32()),
                pc.cast(pc.add(rand.ints(2000 * 86_400_000_000), us0), pa.timestamp("us", tz="UTC")),
                decimals(rand.ints(10_000_000), pa.decimal128(18, 2)),
                decimals(rand.ints(99_999_999), pa.decimal128(10, 4)),
            ], schema=WIDE_SCHEMA)
            log(f"{root}: {start + n}/{rows} rows")

    write_deltalake(root, pa.RecordBatchReader.from_batches(WIDE_SCHEMA, batches()), mode="error")


class Random:
    """Seeded uniform columns from pyarrow alone (the peers' venv has no numpy)."""

    def __init__(self, seed: int, n: int) -> None:
        self.seed, self.n, self.calls = seed, n, 0

    def floats(self) -> pa.Array:
        self.calls += 1
        return pc.random(self.n, initializer=self.seed * 100 + self.calls)

    def ints(self, bound: int) -> pa.Array:
        return pc.cast(pc.floor(pc.multiply(self.floats(), float(bound))), pa.int64())


def write_sorted_table(root: str, files: int, rows_per_file: int, commits: int) -> None:
    """Data files written by pyarrow with the stats delta-rs would record; committed in `commits` JSON commits."""
    log_dir = os.path.join(root, "_delta_log")
    os.makedirs(log_dir, exist_ok=True)
    schema = {
        "type": "struct",
        "fields": [
            {"name": "key", "type": "long", "nullable": True, "metadata": {}},
            {"name": "payload", "type": "double", "nullable": True, "metadata": {}},
            {"name": "label", "type": "string", "nullable": True, "metadata": {}},
        ],
    }
    base_ms = int(datetime(2024, 1, 1, tzinfo=timezone.utc).timestamp() * 1000)
    per_commit = (files + commits - 1) // commits
    for version in range(commits):
        lines = [commit_line({"commitInfo": {"timestamp": base_ms + version, "operation": "WRITE",
                                             "operationParameters": {"mode": "Append"}}})]
        if version == 0:
            lines.append(commit_line({"protocol": {"minReaderVersion": 1, "minWriterVersion": 2}}))
            lines.append(commit_line({"metaData": {
                "id": str(uuid.UUID(int=files)), "format": {"provider": "parquet", "options": {}},
                "schemaString": json.dumps(schema), "partitionColumns": [], "configuration": {},
                "createdTime": base_ms,
            }}))
        for f in range(version * per_commit, min(files, (version + 1) * per_commit)):
            keys = list(range(f * rows_per_file, (f + 1) * rows_per_file))
            labels = [f"label-{k:09d}" for k in keys]
            table = pa.table({"key": pa.array(keys, pa.int64()), "payload": [k * 0.25 for k in keys], "label": labels})
            name = f"part-{f:05d}-{uuid.UUID(int=f)}-c000.snappy.parquet"
            pq.write_table(table, os.path.join(root, name), compression="snappy")
            stats = {
                "numRecords": rows_per_file,
                "minValues": {"key": keys[0], "payload": keys[0] * 0.25, "label": labels[0]},
                "maxValues": {"key": keys[-1], "payload": keys[-1] * 0.25, "label": labels[-1]},
                "nullCount": {"key": 0, "payload": 0, "label": 0},
            }
            lines.append(commit_line({"add": {
                "path": name, "partitionValues": {}, "size": os.path.getsize(os.path.join(root, name)),
                "modificationTime": base_ms + version, "dataChange": True,
                "stats": json.dumps(stats, separators=(",", ":")),
            }}))
        with open(os.path.join(log_dir, f"{version:020d}.json"), "w") as fh:
            fh.write("\n".join(lines) + "\n")
    log(f"{root}: {files} files written")


def main() -> None:
    case, root, params = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
    if os.path.exists(os.path.join(root, "_delta_log")):
        raise SystemExit(f"{root} already holds a table; bench/run.ts removes partial tables before generating")
    os.makedirs(root, exist_ok=True)
    if case == "commits":
        write_small_file_table(root, params["commits"], 1, params["interval"])
    elif case == "files":
        write_small_file_table(root, params["commits"], params["filesPerCommit"], params["interval"])
    elif case == "wide":
        write_wide_table(root, params["rows"], params["seed"])
    elif case == "sorted":
        write_sorted_table(root, params["files"], params["rowsPerFile"], params["commits"])
    else:
        raise SystemExit(f"unknown case {case}")
    table = DeltaTable(root)
    log(f"{root}: delta-rs reads version {table.version()} with {len(table.file_uris())} files")


if __name__ == "__main__":
    main()
