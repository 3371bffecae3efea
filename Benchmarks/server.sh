#!/usr/bin/env bash
# Benchmarks/server.sh: peer on a PostgreSQL server, side by side with psql running hand-written
# SQL for the same figures on the same database, in one run:
#   - the three report queries of Benchmarks/queries.sh,
#   - the quarterly report in HTML (Benchmarks/report-quarterly.pg.sql for psql),
#   - importing the demo's visits into a project that has everything else, against the same
#     import written as SQL (\copy into a scratch table, then INSERT ... SELECT into visits,
#     with its key and indexes) and against \copy of the CSV into a plain table with neither,
#   - the REPL's first prompt over TCP on 127.0.0.1 and over the server's Unix socket,
#   - the three queries run by the demo's site coordinator (row-level security on) against the
#     same queries run by the owner (docs/people.md).
# It starts a throwaway server (Scripts/postgres-cluster) and stops it at the end. The queries,
# the report and the roles are timed in turn (peer, psql, peer, psql...), so that a change in a
# shared machine's load falls on both sides of a ratio.
#
#   Benchmarks/server.sh [--no-build]
#
# Environment: SCALE=30 (demo size: about 100,000 mothers and 1,000,000 visits), RUNS=3,
# PEER (the binary to time; default .build/release/peer), PARTS (default "queries report
# import repl": the parts to run; at SCALE=300, say PARTS=report).
# Targets (issue "A shared server"): queries and the report at most 1.2x psql, the import at
# most 2x \copy, the first prompt under 300 ms, a coordinator's queries at most 1.3x the owner's; at --scale 300, the quarterly report for one
# site (Benchmarks/quarterly_site.peer, peer alone) under 5 s. The machines are noisy: compare
# the ratios of one run, not absolute times across days.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
SCALE=${SCALE:-30}
RUNS=${RUNS:-3}
TODAY=2026-11-20
PEER=${PEER:-$ROOT/.build/release/peer}  # PEER=... to time another build of peer
PARTS=${PARTS:-queries report import repl roles}
part() { [[ " $PARTS " == *" $1 "* ]]; }
[ "${1:-}" = "--no-build" ] || swift build -c release --static-swift-stdlib >&2

OUT=$(mktemp -d /tmp/peer-server-bench.XXXXXX)
SERVER=$(mktemp -d /tmp/peer-pg-XXXXXX)
trap 'Scripts/postgres-cluster stop "$SERVER"; rm -rf "$OUT"' EXIT
{ read -r URL; read -r PGPASSWORD; read -r PORT; } < <(Scripts/postgres-cluster start "$SERVER")
export PGPASSWORD
BASE=${URL%/postgres}
psql "$URL" -qc "CREATE DATABASE bench" -c "CREATE DATABASE visits_base"
DB=$BASE/bench

echo "making the scale-$SCALE demo on the server ..." >&2
start=$(date +%s.%N)
"$PEER" demo "$OUT/demo" --database "$DB" --scale "$SCALE" --today "$TODAY" >&2
echo "demo made in $(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }') s" >&2
# A database just loaded is not yet vacuumed or analysed: autovacuum would start on it while
# the first commands are timed, and index-only scans would still read the table. Settle it first,
# as any server would be by the time people use it.
psql "$DB" -qc "VACUUM ANALYZE"
cp Examples/reports/*.peer Benchmarks/quarterly_site.peer "$OUT/demo/scripts/"

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }
# Two commands run in turn, RUNS times each after one warm-up of each, so that a change in the
# machine's load falls on both; prints the median wall time of each, in seconds.
interleaved() { # command a, command b
  python3 - "$1" "$2" "$RUNS" <<'PY'
import statistics, subprocess, sys, time
a, b, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
times = {a: [], b: []}
for i in range(runs + 1):
    for c in (a, b):
        start = time.perf_counter()
        subprocess.run(["bash", "-c", c], check=True, stdout=subprocess.DEVNULL)
        if i > 0:
            times[c].append(time.perf_counter() - start)
print(statistics.median(times[a]), statistics.median(times[b]))
PY
}
median() { python3 -c "import json,sys; r={x['command']: x['median'] for x in json.load(open(sys.argv[1]))['results']}; print(r[sys.argv[2]])" "$@"; }

echo "| on PostgreSQL, scale $SCALE | peer (ms) | psql (ms) | ratio |"
echo "|---|---:|---:|---:|"
row() { # name, json
  local p s
  p=$(median "$2" peer)
  s=$(median "$2" psql)
  echo "| $1 | $(awk -v x="$p" 'BEGIN { printf "%.0f", x * 1000 }') | $(awk -v x="$s" 'BEGIN { printf "%.0f", x * 1000 }') | $(ratio "$p" "$s") |"
}

cat > "$OUT/a.peer" <<'PEER'
print(len(visits | group [.match.mother.site, month(.date)] | count, sum(.minutes)))
PEER
echo "SELECT mo.site, date_trunc('month', v.date), count(*), sum(v.minutes) FROM visits v
  JOIN matches ma ON ma.id = v.match_id JOIN mothers mo ON mo.id = ma.mother_id GROUP BY 1, 2;" > "$OUT/a.sql"
cat > "$OUT/b.peer" <<'PEER'
print(len(mothers | group [.status, .referrer] | count))
PEER
echo "SELECT status, referrer, count(*) FROM mothers GROUP BY 1, 2;" > "$OUT/b.sql"
cat > "$OUT/c.peer" <<'PEER'
print(matches | where .status == "active" | where (.visits | where .date > today - 21 days | count) == 0 | count)
PEER
echo "SELECT count(*) FROM matches m WHERE m.status = 'active' AND NOT EXISTS
  (SELECT 1 FROM visits v WHERE v.match_id = m.id AND v.date > DATE '$TODAY' - 21);" > "$OUT/c.sql"
for q in a b c; do
  part queries || continue
  echo "$q: peer says $(cd "$OUT/demo" && "$PEER" --today "$TODAY" run "$OUT/$q.peer"), psql counts $(psql "$DB" -Atf "$OUT/$q.sql" | wc -l) rows ($(psql "$DB" -Atf "$OUT/$q.sql" | head -1))" >&2
  read -r p s < <(interleaved "cd $OUT/demo && $PEER --today $TODAY run $OUT/$q.peer" \
    "psql $DB -Atqf $OUT/$q.sql -o /dev/null")
  echo "| query ($q) | $(awk -v x="$p" 'BEGIN { printf "%.0f", x * 1000 }') | $(awk -v x="$s" 'BEGIN { printf "%.0f", x * 1000 }') | $(ratio "$p" "$s") |"
done

if part report; then
read -r p s < <(interleaved "cd $OUT/demo && $PEER report quarterly --today $TODAY --q 'quarter(2026-07-01)' --format html --out $OUT/q.html" \
  "psql $DB -Atqf $ROOT/Benchmarks/report-quarterly.pg.sql -o /dev/null")
grep -q "<svg" "$OUT/q.html" || { echo "the report has no chart" >&2; exit 1; }
echo "| quarterly report (HTML) | $(awk -v x="$p" 'BEGIN { printf "%.0f", x * 1000 }') | $(awk -v x="$s" 'BEGIN { printf "%.0f", x * 1000 }') | $(ratio "$p" "$s") |"
hyperfine -N --warmup 1 --runs "$RUNS" --export-json "$OUT/site.json" \
  -n peer "bash -c 'cd $OUT/demo && $PEER report quarterly_site --today $TODAY --q \"quarter(2026-07-01)\" --site \"\\\"Hackney\\\"\" --format html --out $OUT/site.html'" > /dev/null
grep -q "<svg" "$OUT/site.html" || { echo "the site's report has no chart" >&2; exit 1; }
echo "| quarterly report for one site (HTML) | $(awk -v x="$(median "$OUT/site.json" peer)" 'BEGIN { printf "%.0f", x * 1000 }') | | (target at scale 300: under 5 s) |"
fi

# Import: a project with everything but the visits, copied fresh from a template for each run.
if part import; then
for kind in volunteers mothers matches visits endings services; do
  "$PEER" export "$kind" --project "$OUT/demo" --out "$OUT/$kind.csv"
done
"$PEER" init "$OUT/base" --database "$BASE/visits_base" > /dev/null
for kind in volunteers mothers services matches endings; do
  "$PEER" import "$kind" "$OUT/$kind.csv" --project "$OUT/base" > /dev/null
done
visits=$(($(wc -l < "$OUT/visits.csv") - 1))
psql "$URL" -qc "ALTER DATABASE visits_base WITH is_template true"
cat > "$OUT/fresh.sh" <<SH
psql "$URL" -qc "DROP DATABASE IF EXISTS visits_run" -c "CREATE DATABASE visits_run TEMPLATE visits_base"
psql "$URL" -qc "DROP DATABASE IF EXISTS sql_run" -c "CREATE DATABASE sql_run TEMPLATE visits_base"
psql "$URL" -qc "DROP DATABASE IF EXISTS plain_run" -c "CREATE DATABASE plain_run"
psql "$BASE/plain_run" -qc "CREATE TABLE visits_plain (id text, match text, date date, kind text, minutes int, support text, services text, concern text, notes text)"
SH
# The hand-written SQL for the same import into the same table, with its key and indexes: the
# CSV into a scratch table, then one INSERT ... SELECT turning codes into ids and lists into JSON.
cat > "$OUT/import.sql" <<SQL
CREATE TEMP TABLE visits_in (id text, match text, date date, kind text, minutes bigint,
  support text, services text, concern text, notes text);
\\copy visits_in FROM '$OUT/visits.csv' CSV HEADER
INSERT INTO visits (id, match_id, date, kind, minutes, support, services, concern, notes)
  SELECT substr(id, 3)::bigint, substr(match, 3)::bigint, date, kind, minutes,
    to_jsonb(string_to_array(NULLIF(support, ''), '; ')),
    to_jsonb(string_to_array(NULLIF(services, ''), '; ')), concern = 'yes', NULLIF(notes, '')
  FROM visits_in;
SELECT setval('visits_ids', (SELECT max(id) FROM visits));
SQL
mkdir -p "$OUT/run"
echo "$BASE/visits_run" > "$OUT/run/peer.server"
hyperfine -N --runs "$RUNS" --export-json "$OUT/import.json" --prepare "bash $OUT/fresh.sh" \
  -n peer "$PEER import visits $OUT/visits.csv --project $OUT/run" \
  -n psql "psql $BASE/sql_run -v ON_ERROR_STOP=1 -qf $OUT/import.sql -o /dev/null" \
  -n plain "psql $BASE/plain_run -qc '\\copy visits_plain FROM $OUT/visits.csv CSV HEADER'" > /dev/null
row "import $visits visits (peer import / \\copy and INSERT into visits)" "$OUT/import.json"
p=$(median "$OUT/import.json" peer)
s=$(median "$OUT/import.json" plain)
echo "| import $visits visits (peer import / \\copy into a plain table, no key or index) | $(awk -v x="$p" 'BEGIN { printf "%.0f", x * 1000 }') | $(awk -v x="$s" 'BEGIN { printf "%.0f", x * 1000 }') | $(ratio "$p" "$s") |"
fi

# Row-level security's cost: the same three queries as the demo's coordinator (one site's
# records, through the policies) and as the owner (every record, no policy), both over the
# server's Unix socket, where the coordinator's login needs no password.
if part roles; then
mkdir -p "$OUT/owner/scripts" "$OUT/coordinator/scripts"
cp "$OUT/demo/scripts/"*.peer "$OUT/owner/scripts/"
cp "$OUT/demo/scripts/"*.peer "$OUT/coordinator/scripts/"
echo "postgresql://postgres@:$PORT/bench?host=$SERVER" > "$OUT/owner/peer.server"
echo "postgresql://bench_coordinator@:$PORT/bench?host=$SERVER" > "$OUT/coordinator/peer.server"
for q in a b c; do
  echo "$q: the coordinator sees $(cd "$OUT/coordinator" && "$PEER" --today "$TODAY" run "$OUT/$q.peer"), the owner $(cd "$OUT/owner" && "$PEER" --today "$TODAY" run "$OUT/$q.peer")" >&2
  read -r c o < <(interleaved "cd $OUT/coordinator && $PEER --today $TODAY run $OUT/$q.peer" \
    "cd $OUT/owner && $PEER --today $TODAY run $OUT/$q.peer")
  echo "| query ($q) as the coordinator / as the owner | $(awk -v x="$c" 'BEGIN { printf "%.0f", x * 1000 }') | $(awk -v x="$o" 'BEGIN { printf "%.0f", x * 1000 }') | $(ratio "$c" "$o") (target: at most 1.3) |"
done
fi

# The REPL's start: connected, the project's scripts loaded, ready for input (empty input, so it
# ends at once; a terminal would show the first prompt at that point).
part repl || exit 0
mkdir -p "$OUT/socket/scripts"
cp "$OUT/demo/scripts/"*.peer "$OUT/socket/scripts/"
echo "postgresql://postgres@:$PORT/bench?host=$SERVER" > "$OUT/socket/peer.server"
hyperfine -N --warmup 2 --runs 10 --export-json "$OUT/repl.json" \
  -n tcp "bash -c 'cd $OUT/demo && $PEER < /dev/null > /dev/null'" \
  -n socket "bash -c 'cd $OUT/socket && $PEER < /dev/null > /dev/null'" > /dev/null
for how in tcp socket; do
  echo "| REPL first prompt over $how | $(awk -v x="$(median "$OUT/repl.json" "$how")" 'BEGIN { printf "%.0f", x * 1000 }') | | (target: under 300 ms) |"
done
