"""delta-rs side of the PostgreSQL snapshot benchmark (bench/postgresRun.ts): prints one JSON line.

usage: bench-postgres-peer.py <job-json>   job: {"conninfo": libpq conninfo, "table": name, "target": path}

The rows are fetched by psycopg 3 through a server-side cursor (binary transfer, 65,536 rows per
fetch), turned into pyarrow record batches of the table's Arrow schema and streamed into
write_deltalake as a RecordBatchReader, so memory stays bounded by a batch like ours. Timing covers
connect to committed version; CPU time is this process' (all threads), not the server's.
"""

import json
import resource
import sys
import time

import psycopg
import pyarrow as pa
from deltalake import write_deltalake

BATCH_ROWS = 65_536

SCHEMA = pa.schema([
    ("id", pa.int64()), ("quantity", pa.int32()), ("price", pa.float64()), ("ratio", pa.float64()),
    ("customer", pa.string()), ("category", pa.string()), ("event_date", pa.date32()),
    ("event_time", pa.timestamp("us", tz="UTC")), ("amount", pa.decimal128(18, 2)),
    ("tax", pa.decimal128(10, 4)),
])


def status_kib(field: str) -> int:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise RuntimeError(f"no {field} in /proc/self/status")


def batches(conninfo: str, table: str, counter: list):
    with psycopg.connect(conninfo) as connection:
        with connection.cursor(name="bench", binary=True) as cursor:
            cursor.itersize = BATCH_ROWS
            cursor.execute(f"SELECT {', '.join(SCHEMA.names)} FROM {table}")
            while True:
                rows = cursor.fetchmany(BATCH_ROWS)
                if not rows:
                    return
                counter[0] += len(rows)
                columns = list(zip(*rows))
                yield pa.RecordBatch.from_arrays(
                    [pa.array(column, type=field.type) for column, field in zip(columns, SCHEMA)], schema=SCHEMA)


def main() -> None:
    job = json.loads(sys.argv[1])
    counter = [0]
    started = time.perf_counter()
    cpu_before = time.process_time()
    reader = pa.RecordBatchReader.from_batches(SCHEMA, batches(job["conninfo"], job["table"], counter))
    write_deltalake(job["target"], reader, mode="overwrite")
    ms = (time.perf_counter() - started) * 1000
    cpu_ms = (time.process_time() - cpu_before) * 1000
    print(json.dumps({"ms": ms, "cpuMs": cpu_ms, "rows": counter[0], "bytes": 0, "peakKiB": status_kib("VmHWM")}))


if __name__ == "__main__":
    main()
