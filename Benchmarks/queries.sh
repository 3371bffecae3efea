#!/usr/bin/env bash
# Benchmarks/queries.sh: the three report queries of issue 6 in peer, side by side with the
# sqlite3 shell running the straightforward SQL on the same peer.db, with hyperfine.
#
#   Benchmarks/queries.sh [DIR]     DIR: a demo project (made with --scale $SCALE if missing)
#
# Environment: SCALE=30 (demo size), RUNS=5, PEER=.build/release/peer (build it first with
# `swift build -c release --static-swift-stdlib`). Prints each query's answer from both tools
# (row counts or a count, which must agree) and a table of times and ratios peer/sqlite3.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
PEER=${PEER:-$ROOT/.build/release/peer}
SCALE=${SCALE:-30}
RUNS=${RUNS:-5}
DIR=${1:-/tmp/peer-queries-scale$SCALE}
OUT=$(mktemp -d /tmp/peer-queries.XXXXXX)
[ -x "$PEER" ] || { echo "error: $PEER not built" >&2; exit 2; }
[ -f "$DIR/peer.db" ] || "$PEER" demo "$DIR" --scale "$SCALE" >&2
DB=$DIR/peer.db
# peer's `today` is the machine's date, as for sqlite3's date('now').

# (a) visits per project (site) per month, with total minutes
cat >"$OUT/a.peer" <<'PEER'
let rows = visits | group [.match.mother.site, month(.date)] | count, sum(.minutes)
print(len(rows))
PEER
A_SQL="SELECT mo.site, substr(v.date, 1, 7), count(*), sum(v.minutes) FROM visits v
  JOIN matches ma ON ma.id = v.match_id JOIN mothers mo ON mo.id = ma.mother_id GROUP BY 1, 2;"

# (b) mothers per status per referrer
cat >"$OUT/b.peer" <<'PEER'
print(len(mothers | group [.status, .referrer] | count))
PEER
B_SQL="SELECT status, referrer, count(*) FROM mothers GROUP BY 1, 2;"

# (c) active matches with no visit in the last 21 days
cat >"$OUT/c.peer" <<'PEER'
print(matches | where .status == "active" | where (.visits | where .date > today - 21 days | count) == 0 | count)
PEER
C_SQL="SELECT count(*) FROM matches m WHERE m.status = 'active' AND NOT EXISTS
  (SELECT 1 FROM visits v WHERE v.match_id = m.id AND v.date > date('now', '-21 days'));"

for q in a b c; do
  sql_var="${q^^}_SQL"
  echo "$q: peer says $(cd "$DIR" && "$PEER" run "$OUT/$q.peer" | tr '\n' ' ')"
  if [ "$q" = c ]; then
    echo "$q: sqlite3 says $(sqlite3 "$DB" "${!sql_var}")"
  else
    echo "$q: sqlite3 says $(sqlite3 "$DB" "${!sql_var}" | wc -l)"
  fi
  printf '%s\n' "${!sql_var}" >"$OUT/$q.sql"
  hyperfine -N --warmup 1 --runs "$RUNS" --export-json "$OUT/$q.json" \
    -n peer "bash -c 'cd $DIR && $PEER run $OUT/$q.peer'" \
    -n sqlite3 "bash -c 'sqlite3 $DB < $OUT/$q.sql > /dev/null'" >/dev/null
  python3 - "$OUT/$q.json" "$q" <<'PY'
import json, sys
r = {x["command"]: x["median"] for x in json.load(open(sys.argv[1]))["results"]}
print(f"{sys.argv[2]}: peer {r['peer']*1000:.0f} ms, sqlite3 {r['sqlite3']*1000:.0f} ms, ratio {r['peer']/r['sqlite3']:.2f}")
PY
done
