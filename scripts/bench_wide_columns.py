"""The ten columns of the benchmarks' wide table (ints, doubles, strings, date, timestamp, decimals).

The reader benchmark's generated table (bench-generate.py) and the writer benchmark's rows
(bench-writer-peer.py, bench/writer/writerData.ts) share this schema; only how each fills the
columns differs (seeded random values there, formulas of the row number here).
"""

import pyarrow as pa
import pyarrow.compute as pc

WIDE_SCHEMA = pa.schema([
    ("id", pa.int64()), ("quantity", pa.int32()), ("price", pa.float64()), ("ratio", pa.float64()),
    ("customer", pa.string()), ("category", pa.string()), ("event_date", pa.date32()),
    ("event_time", pa.timestamp("us", tz="UTC")), ("amount", pa.decimal128(18, 2)),
    ("tax", pa.decimal128(10, 4)),
])

CATEGORIES = pa.array([f"category-{i:02d}" for i in range(24)])


def customers(numbers: pa.Array) -> pa.Array:
    """customer-0000042 for 42: seven digits, zero-padded."""
    digits = pc.utf8_lpad(pc.cast(numbers, pa.string()), 7, "0")
    return pc.binary_join_element_wise("customer-", digits, "")


def decimals(unscaled: pa.Array, type_: pa.DataType) -> pa.Array:
    """Reinterprets unscaled integers as decimals of the given scale (same 128-bit words, scale 0 -> s)."""
    whole = pc.cast(unscaled, pa.decimal128(38, 0))
    return pa.Array.from_buffers(type_, len(whole), whole.buffers(), offset=whole.offset)
