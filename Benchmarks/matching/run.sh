#!/usr/bin/env bash
# Benchmarks/matching/run.sh: suggest_all for 2,000 waiting mothers and 1,000 volunteers, timed
# side by side with the same task in CPython + SciPy. Needs a release build (swift build -c release).
#   Benchmarks/matching/run.sh [MOTHERS VOLUNTEERS]
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
PEER=$ROOT/.build/release/peer
MOTHERS=${1:-2000}
VOLUNTEERS=${2:-1000}
DIR=$(mktemp -d /tmp/peer-match-bench.XXXXXX)
/usr/bin/python3 "$HERE/generate.py" "$VOLUNTEERS" "$MOTHERS" "$DIR"
"$PEER" init "$DIR/project" >/dev/null
cd "$DIR/project"
"$PEER" import volunteers "$DIR/volunteers.csv" >/dev/null
"$PEER" import mothers "$DIR/mothers.csv" >/dev/null
cp "$HERE/score.peer" scripts/score.peer
seconds() { local s=$(date +%s.%N); "$@" >"$DIR/out.txt"; local e=$(date +%s.%N); echo "$e - $s" | bc; }
peer_time=$(seconds "$PEER" run "$HERE/plan.peer"); peer_out=$(cat "$DIR/out.txt")
py_time=$(seconds python3 "$HERE/suggest_all.py" "$DIR"); py_out=$(cat "$DIR/out.txt")
echo "peer:  $peer_out  ${peer_time}s"
echo "scipy: $py_out  ${py_time}s"
echo "ratio peer/scipy: $(echo "scale=2; $peer_time / $py_time" | bc)"
[[ "$peer_out" == "$py_out"* ]] || { echo "MISMATCH"; exit 1; }
