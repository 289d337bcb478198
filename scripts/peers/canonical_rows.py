"""Arrow table -> canonical NDJSON lines, in the `lakehouse scan --format ndjson` contract.

Both peers (delta-rs and Spark) hand us a pyarrow table, so one formatter serves both and any
difference between their dumps is a difference in what they read, not in how we print it.
Contract: one object per row, keys in schema order; int64 beyond +-(2^53-1) as strings (JSON
numbers lose precision there); decimals as strings with their scale; NaN/+-Infinity as strings; float32 as its shortest
round-trip decimal;
dates YYYY-MM-DD; timestamps YYYY-MM-DDTHH:MM:SS.ffffffZ (UTC), timestamp_ntz the same without Z;
binary base64; structs objects; arrays arrays; maps arrays of [key, value]. Lines are sorted by
their JSON text so comparisons do not depend on file or row order.
"""
from __future__ import annotations

import base64
import datetime as dt
import decimal
import json
import math
import struct
from typing import Any

import pyarrow as pa

MAX_SAFE_INTEGER = 2**53 - 1
_WIDE = decimal.Context(prec=80)


def _timestamp(value: dt.datetime, with_zone: bool) -> str:
    if value.tzinfo is not None:
        value = value.astimezone(dt.timezone.utc).replace(tzinfo=None)
    text = value.strftime("%Y-%m-%dT%H:%M:%S") + f".{value.microsecond:06d}"
    return text + "Z" if with_zone else text


def _float(value: float, single: bool) -> Any:
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    return _shortest_float32(value) if single else value


def _shortest_float32(value: float) -> float:
    # A float column prints as the shortest decimal that reads back as the same float32 (0.1, not
    # 0.10000000149011612), as Spark and our CLI print it.
    for digits in range(1, 10):
        candidate = float(f"{value:.{digits}g}")
        try:
            if struct.unpack("<f", struct.pack("<f", candidate))[0] == value:
                return candidate
        except OverflowError:  # rounding up past float32's largest value: try more digits
            continue
    return value


def canonical_value(value: Any, arrow_type: pa.DataType) -> Any:
    if value is None:
        return None
    if pa.types.is_dictionary(arrow_type):
        return canonical_value(value, arrow_type.value_type)
    if pa.types.is_boolean(arrow_type):
        return bool(value)
    if pa.types.is_integer(arrow_type):
        return str(value) if abs(value) > MAX_SAFE_INTEGER else int(value)
    if pa.types.is_floating(arrow_type):
        return _float(float(value), arrow_type.bit_width <= 32)
    if pa.types.is_decimal(arrow_type):
        quantum = decimal.Decimal(1).scaleb(-arrow_type.scale)
        # decimal(38, s) has more digits than the default 28-digit context allows.
        return format(decimal.Decimal(value).quantize(quantum, context=_WIDE), "f")
    if pa.types.is_string(arrow_type) or pa.types.is_large_string(arrow_type) or pa.types.is_string_view(arrow_type):
        return str(value)
    if pa.types.is_binary(arrow_type) or pa.types.is_large_binary(arrow_type) or pa.types.is_fixed_size_binary(arrow_type) or pa.types.is_binary_view(arrow_type):
        return base64.b64encode(bytes(value)).decode("ascii")
    if pa.types.is_date(arrow_type):
        return value.isoformat()
    if pa.types.is_timestamp(arrow_type):
        return _timestamp(value, arrow_type.tz is not None)
    if pa.types.is_struct(arrow_type):
        return {
            arrow_type.field(i).name: canonical_value(value.get(arrow_type.field(i).name), arrow_type.field(i).type)
            for i in range(arrow_type.num_fields)
        }
    if pa.types.is_map(arrow_type):
        return [[canonical_value(k, arrow_type.key_type), canonical_value(v, arrow_type.item_type)] for k, v in value]
    if pa.types.is_list(arrow_type) or pa.types.is_large_list(arrow_type) or pa.types.is_fixed_size_list(arrow_type) or pa.types.is_list_view(arrow_type):
        return [canonical_value(item, arrow_type.value_type) for item in value]
    raise TypeError(f"no canonical form for Arrow type {arrow_type}")


def canonical_lines(table: pa.Table) -> list[str]:
    fields = list(table.schema)
    lines = []
    for batch in table.to_batches():
        columns = [column.to_pylist() for column in batch.columns]
        for row in range(batch.num_rows):
            record = {field.name: canonical_value(columns[i][row], field.type) for i, field in enumerate(fields)}
            lines.append(json.dumps(record, ensure_ascii=False, separators=(",", ":"), allow_nan=False))
    lines.sort()
    return lines
