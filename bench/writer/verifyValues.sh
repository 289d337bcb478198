#!/bin/bash
# Full-content check of the bench's MERGE and copy-on-write DELETE: ours (the bench child bundle at
# HEAD) and delta-rs run the same job on copies of the 10M-row target; delta-rs reads both into pyarrow,
# sorted by id, compares every value.
#   bash bench/writer/verifyValues.sh   (after `npm run bench:writer`, which builds the child and the target)
set -euo pipefail
cd "$(dirname "$0")/../.."
V=$(mktemp -d); trap 'rm -rf "$V"' EXIT
SRC=.cache/bench/writer/target-10000000-g1/plain
CHILD=.cache/bench/child/writer-child.cjs
[[ -d $SRC && -f $CHILD ]] || { echo "run npm run bench:writer first (it builds $CHILD and $SRC)" >&2; exit 2; }
copy() { cp -al $SRC $V/$1; rm -rf $V/$1/_delta_log; cp -r $SRC/_delta_log $V/$1/; }
for t in ours_merge rs_merge ours_delete rs_delete; do copy $t; done
M='"op":"merge","targetRows":10000000,"sourceRows":1000000'
D='"op":"delete","where":"quantity < -980","deletionVectors":false'
node --expose-gc $CHILD "{$M,\"table\":\"$V/ours_merge\"}" | tail -1 | cut -c1-200
node --expose-gc $CHILD "{$D,\"table\":\"$V/ours_delete\"}" | tail -1 | cut -c1-200
.venv/bin/python scripts/bench-writer-peer.py run "{$M,\"table\":\"$V/rs_merge\"}" | tail -1 | cut -c1-200
.venv/bin/python scripts/bench-writer-peer.py run "{$D,\"table\":\"$V/rs_delete\"}" | tail -1 | cut -c1-200
.venv/bin/python - "$V" <<'PY'
import sys
from deltalake import DeltaTable
for op in ("merge", "delete"):
    a = DeltaTable(f"{sys.argv[1]}/ours_{op}").to_pyarrow_table().sort_by("id")
    b = DeltaTable(f"{sys.argv[1]}/rs_{op}").to_pyarrow_table().sort_by("id")
    b = b.cast(a.schema) if b.schema != a.schema else b
    same = a.num_rows == b.num_rows and all(a.column(n).equals(b.column(n)) for n in a.column_names)
    print(op, "rows", a.num_rows, b.num_rows, "EQUAL" if same else "DIFFERENT")
    if not same:
        for n in a.column_names:
            if not a.column(n).equals(b.column(n)): print("  differs:", n)
        sys.exit(1)
PY
