"""Runs on a Delta table, with delta-rs, the MERGE and UPDATE that test/interop/mergeConditionsPeers.test.ts
runs with our engine on an identical copy, then prints the rows of both tables as delta-rs reads them.

Usage:
  merge_conditions_deltars.py <theirs-table> <source.parquet> <ours-table>
Prints one JSON object: {"theirs": [<canonical row lines>], "ours": [...], "metrics": {...}}.

DataFusion (delta-rs' SQL) reads a literal such as 1.1 as a double, Spark SQL (and we) as an exact
decimal: the decimal literals are CAST here so that both sides compute the same exact values.
"""
from __future__ import annotations

import json
import sys

import pyarrow.parquet as pq
from deltalake import DeltaTable

from dump_rows import deltars_reader
from canonical_rows import canonical_lines


def main() -> None:
    theirs, source_path, ours = sys.argv[1:4]
    source = pq.read_table(source_path)
    table = DeltaTable(theirs)
    metrics = (
        table.merge(source=source, predicate="t.id = s.id", source_alias="s", target_alias="t")
        .when_matched_delete(predicate="s.op = 'D'")
        .when_matched_update(updates={"qty": "t.qty + s.qty", "name": "upper(t.name)", "price": "t.price * CAST(1.1 AS DECIMAL(2, 1))"}, predicate="t.qty >= 20")
        .when_not_matched_insert(updates={"id": "s.id", "qty": "s.qty"}, predicate="s.op <> 'D'")
        .when_not_matched_by_source_delete(predicate="t.qty > 55")
        .execute()
    )
    DeltaTable(theirs).update(updates={"qty": "qty * 2 + 1", "name": "lower(name)", "price": "price + CAST(0.005 AS DECIMAL(4, 3))"}, predicate="id <= 4")
    read = deltars_reader()
    print(json.dumps({
        "theirs": list(canonical_lines(read(theirs, None))),
        "ours": list(canonical_lines(read(ours, None))),
        "metrics": {key: metrics.get(key) for key in ("num_target_rows_inserted", "num_target_rows_updated", "num_target_rows_deleted")},
    }))


if __name__ == "__main__":
    main()
