"""Runs on a Delta table, with delta-rs, the MERGE, UPDATE and second MERGE (several clauses of each
kind, inserts with column lists) that test/interop/mergeConditionsPeers.test.ts runs with our engine
(the second MERGE through the CLI) on an identical copy, then prints the rows of both tables as
delta-rs reads them.

Usage:
  merge_conditions_deltars.py <theirs-table> <source.parquet> <moves.parquet> <ours-table>
Prints one JSON object: {"theirs": [<canonical row lines>], "ours": [...], "metrics": {...},
"cliMetrics": {...}} (the row counts of the first and the second MERGE).
This script lives below scripts/peers so that editing it does not change the interop corpus key.

DataFusion (delta-rs' SQL) reads a literal such as 1.1 as a double, Spark SQL (and we) as an exact
decimal: the decimal literals are CAST here so that both sides compute the same exact values.
"""
from __future__ import annotations

import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import pyarrow.parquet as pq  # noqa: E402
from deltalake import DeltaTable  # noqa: E402

from dump_rows import deltars_reader  # noqa: E402
from canonical_rows import canonical_lines  # noqa: E402

COUNTS = ("num_target_rows_inserted", "num_target_rows_updated", "num_target_rows_deleted")


def main() -> None:
    theirs, source_path, moves_path, ours = sys.argv[1:5]
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
    cli_metrics = (
        DeltaTable(theirs).merge(source=pq.read_table(moves_path), predicate="t.id = s.id", source_alias="s", target_alias="t")
        .when_matched_delete(predicate="s.op = 'D'")
        .when_matched_update(updates={"qty": "s.qty", "name": "'big'"}, predicate="s.qty >= 100")
        .when_matched_update(updates={"qty": "t.qty + s.qty"})
        .when_not_matched_insert(updates={"id": "s.id", "qty": "s.qty * 2", "name": "'bulk'"}, predicate="s.qty >= 100")
        .when_not_matched_insert(updates={"id": "s.id", "qty": "s.qty"}, predicate="s.qty > 0")
        .when_not_matched_by_source_update(updates={"qty": "t.qty - 1"}, predicate="t.qty > 60")
        .when_not_matched_by_source_delete(predicate="t.qty = 50")
        .execute()
    )
    read = deltars_reader()
    print(json.dumps({
        "theirs": list(canonical_lines(read(theirs, None))),
        "ours": list(canonical_lines(read(ours, None))),
        "metrics": {key: metrics.get(key) for key in COUNTS},
        "cliMetrics": {key: cli_metrics.get(key) for key in COUNTS},
    }))


if __name__ == "__main__":
    main()
