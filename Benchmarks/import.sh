#!/usr/bin/env bash
# Benchmarks/import.sh: time `peer import visits FILE` against the sqlite3 shell's `.import` of the
# same file into a plain table, side by side in one run, and print the ratio (target: at most 2).
#
#   Benchmarks/import.sh [--no-build]
#
# It makes a demo project (`peer demo --scale $SCALE`), exports its records as CSV, builds a
# fresh project (`peer init`) holding the volunteers, mothers, matches and endings the visits
# need, then times, with hyperfine, `peer import visits` into a copy of that project and
# `sqlite3 x.db '.mode csv' '.import visits.csv visits_plain'` into a new file.
#
# Environment:
#   SCALE=30      demo scale (30: about 1,000,000 visits)
#   RUNS=3        timed runs per command (after 1 warm-up)
#   OUT=DIR       keep the projects, CSV files and hyperfine JSON here (default: a new /tmp dir;
#                 an existing DIR/demo and DIR/csv are reused)
#   TODAY=DATE    the demo's last day (default 2026-11-01, so runs are comparable)
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
SCALE=${SCALE:-30}
RUNS=${RUNS:-3}
TODAY=${TODAY:-2026-11-01}
OUT=${OUT:-$(mktemp -d /tmp/peer-import.XXXXXX)}
PEER=$ROOT/.build/release/peer
BUILD=1

for arg in "$@"; do
  case $arg in
    --no-build) BUILD=0 ;;
    -h | --help) sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown option: $arg (see --help)" >&2; exit 2 ;;
  esac
done

for tool in hyperfine sqlite3 python3; do
  command -v $tool >/dev/null || { echo "error: $tool is missing" >&2; exit 2; }
done
if [ "$BUILD" -eq 1 ]; then
  echo "building peer (release) ..." >&2
  swift build -c release --static-swift-stdlib >&2
fi
[ -x "$PEER" ] || { echo "error: $PEER not built (run without --no-build)" >&2; exit 2; }

mkdir -p "$OUT"
cd "$OUT"
if [ ! -f demo/peer.db ]; then
  rm -rf demo
  echo "making the demo project (scale $SCALE) ..." >&2
  /usr/bin/time -f "demo: %e s, %M KiB peak" "$PEER" demo demo --scale "$SCALE" --today "$TODAY" >&2
fi
if [ ! -f csv/visits.csv ]; then
  mkdir -p csv
  for kind in volunteers mothers matches endings visits; do
    "$PEER" export "$kind" --project demo --format csv --out "csv/$kind.csv"
  done
fi
rows=$(($(wc -l < csv/visits.csv) - 1))
echo "visits.csv: $rows rows, $(du -h csv/visits.csv | cut -f1)" >&2

# The project the visits go into: everything but the visits.
rm -rf base
"$PEER" init base >/dev/null
for kind in volunteers mothers matches endings; do
  "$PEER" import "$kind" "csv/$kind.csv" --project base >/dev/null
done

hyperfine --runs "$RUNS" --warmup 1 --export-json import.json \
  --prepare "rm -rf p && cp -r base p" \
  -n peer "$PEER import visits csv/visits.csv --project p" \
  --prepare "rm -f plain.db" \
  -n sqlite3 "sqlite3 plain.db '.mode csv' '.import csv/visits.csv visits_plain'"

imported=$(sqlite3 p/peer.db 'SELECT count(*) FROM visits')
[ "$imported" -eq "$rows" ] || { echo "error: peer imported $imported visits of $rows" >&2; exit 1; }

python3 - import.json <<'EOF'
import json, sys
r = {x["command"]: x for x in json.load(open(sys.argv[1]))["results"]}
p, s = r["peer"]["median"], r["sqlite3"]["median"]
print(f"| command | median s |\n| --- | --- |\n| peer import visits | {p:.2f} |\n| sqlite3 .import | {s:.2f} |")
print(f"ratio peer/sqlite3: {p / s:.2f} (target: at most 2)")
EOF
echo "files kept in $OUT" >&2
