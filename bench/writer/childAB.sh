#!/bin/bash
# Alternating A/B of bench child builds on the writer bench's cached 10M-row target: each pair runs
# every build once on a fresh hard-linked copy of the target, and the medians of wall, process CPU,
# main-thread CPU and peak RSS are printed per build. The trustworthy way to compare two versions
# of the code on a shared, noisy machine (look at the per-pair lines too).
#   node --import tsx -e "import('./bench/oursChildBundle.ts').then(m=>m.buildOursChild('bench/writer/writerChild.ts','writer-child'))"
#   cp -r .cache/bench/child .cache/bench/childA    # keep copies inside the repo: native modules resolve from there
#   bash bench/writer/childAB.sh 4 merge .cache/bench/childA .cache/bench/childB    # or: delete
# TABLE=/tmp/other-table picks the work table (default /tmp/lakehouse-child-ab), so two runs never share one.
set -euo pipefail
cd "$(dirname "$0")/../.."
pairs=$1; kind=$2; shift 2
TABLE=${TABLE:-/tmp/lakehouse-child-ab}
SRC=.cache/bench/writer/target-10000000-g1/plain
[[ -d $SRC ]] || { echo "run npm run bench:writer -- --only merge first (it caches $SRC)" >&2; exit 2; }
case $kind in
  merge) JOB="{\"op\":\"merge\",\"table\":\"$TABLE\",\"targetRows\":10000000,\"sourceRows\":1000000}" ;;
  delete) JOB="{\"op\":\"delete\",\"table\":\"$TABLE\",\"where\":\"quantity < -980\",\"deletionVectors\":false}" ;;
  *) echo "kind must be merge or delete" >&2; exit 2 ;;
esac
fresh() { rm -rf "$TABLE"; mkdir -p "$TABLE"; cp -al $SRC/*.parquet "$TABLE/"; cp -r $SRC/_delta_log "$TABLE/"; }
RESULTS=$(mktemp); trap 'rm -f "$RESULTS"; rm -rf "$TABLE"' EXIT
for _ in $(seq "$pairs"); do
  for build in "$@"; do
    fresh
    echo "$build $(node --expose-gc "$build/writer-child.cjs" "$JOB" | tail -1)" | tee -a "$RESULTS" | cut -c1-160
  done
done
echo "load average (1 min): $(cut -d' ' -f1 /proc/loadavg)"
python3 - "$RESULTS" <<'PY'
import collections, json, statistics, sys
runs = collections.defaultdict(list)
for line in open(sys.argv[1]):
    build, _, result = line.partition(' ')
    runs[build].append(json.loads(result))
median = lambda rs, key: statistics.median(r[key] for r in rs)
for build, rs in runs.items():
    print(f"{build}: n {len(rs)}  wall {median(rs, 'ms'):.0f} ms  cpu {median(rs, 'cpuMs'):.0f} ms  main {median(rs, 'mainCpuMs'):.0f} ms  peak {median(rs, 'peakKiB') / 1024:.0f} MiB")
PY
