#!/usr/bin/env bash
# Benchmarks/report.sh: the whole quarterly report (Examples/reports/quarterly.peer) in HTML over
# a `peer demo --scale 30` project, timed with peak memory, side by side with the sqlite3 shell
# working out the same figures in SQL (Benchmarks/report-quarterly.sql) on the same file.
#
#   Benchmarks/report.sh [--no-build]
#
# Environment:
#   SCALE=30          demo scale (30: 100,020 mothers and 1,049,076 visits)
#   RUNS=3            timed runs of each (the median is reported)
#   DEMO=DIR          where the demo project is kept between runs (default /tmp/peer-report-bench-SCALE)
#
# Targets (issue 6): under 2 s and under 200 MB peak for peer. The machines are noisy: compare
# the ratio of one run, not absolute times across days.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
SCALE=${SCALE:-30}
RUNS=${RUNS:-3}
DEMO=${DEMO:-/tmp/peer-report-bench-$SCALE}
TODAY=2026-11-20
QUARTER=2026-07-01   # Q2 2026/27: 1 July - 30 September 2026
PEER=$ROOT/.build/release/peer

if [ "${1:-}" != "--no-build" ]; then
  swift build -c release --static-swift-stdlib >&2
fi
if [ ! -f "$DEMO/peer.db" ]; then
  echo "making the scale-$SCALE demo in $DEMO ..." >&2
  rm -rf "$DEMO"
  "$PEER" demo "$DEMO" --scale "$SCALE" --today "$TODAY" >&2
fi
cp Examples/reports/*.peer "$DEMO/scripts/"
OUT=$(mktemp -d /tmp/peer-report-bench.XXXXXX)

# Median wall time (s) and peak RSS (MB) of RUNS runs of a command, via /usr/bin/time.
measure() {
  local times=() peaks=()
  for _ in $(seq "$RUNS"); do
    /usr/bin/time -f "%e %M" -o "$OUT/time" "$@" >/dev/null
    read -r t m < "$OUT/time"
    times+=("$t")
    peaks+=("$m")
  done
  local t m
  t=$(printf '%s\n' "${times[@]}" | sort -n | sed -n "$(( (RUNS + 1) / 2 ))p")
  m=$(printf '%s\n' "${peaks[@]}" | sort -n | tail -1)
  echo "$t $(( m / 1024 ))"
}

cd "$DEMO"
read -r peer_s peer_mb < <(measure "$PEER" report quarterly --today "$TODAY" --q "quarter($QUARTER)" \
  --format html --out "$OUT/quarterly.html")
read -r sql_s sql_mb < <(measure sh -c "sqlite3 '$DEMO/peer.db' < '$ROOT/Benchmarks/report-quarterly.sql'")
grep -q "<svg" "$OUT/quarterly.html" || { echo "the report has no chart" >&2; exit 1; }

ratio=$(awk -v a="$peer_s" -v b="$sql_s" 'BEGIN { printf "%.1f", (b > 0 ? a / b : 0) }')
echo "| quarterly report, scale $SCALE | time (s) | peak memory (MB) |"
echo "|---|---:|---:|"
echo "| peer report quarterly --format html | $peer_s | $peer_mb |"
echo "| sqlite3 shell, the same figures in SQL | $sql_s | $sql_mb |"
echo "| ratio peer / sqlite3 | $ratio | |"
echo "targets: peer under 2 s and under 200 MB" >&2
