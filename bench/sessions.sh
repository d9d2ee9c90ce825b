#!/usr/bin/env bash
# bench/sessions.sh — sign-in and session cost by store (issue 13). Not part
# of go test.
#
#   bash bench/sessions.sh [--framework stdlib] [--duration 10s] [--conns 50]
#
# Generates the spa-backend preset with --db none (memory), sqlite and
# postgres, builds each, starts a PostgreSQL of its own (initdb into a
# temporary directory, 127.0.0.1, a free port; as the user postgres when run
# as root), and for each store measures with wrk, on 127.0.0.1 only:
#   - POST /api/login (argon2id at the OWASP parameters: hashing-bound);
#   - GET /api/me with a session cookie (a session read and its idle
#     extension written back, per request).
# It prints a markdown table: requests/s, p50 and p99 latency.
# Needs: go, wrk, curl; the PostgreSQL server binaries (apt-get install postgresql).
set -euo pipefail

FW=stdlib DURATION=10s CONNS=50 LOGIN_CONNS=8
while [ $# -gt 0 ]; do
	case "$1" in
	--framework) FW=$2; shift ;;
	--duration) DURATION=$2; shift ;;
	--conns) CONNS=$2; shift ;;
	-h|--help) sed -n '2,16p' "$0"; exit 0 ;;
	*) echo "unknown flag $1" >&2; exit 2 ;;
	esac
	shift
done

REPO=$(cd "$(dirname "$0")/.." && pwd)
WORK=$(mktemp -d /tmp/securegen-sessions.XXXXXX)
PIDS=()
PGBIN=/usr/lib/postgresql/15/bin
cleanup() {
	for p in "${PIDS[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done
	[ -f "$WORK/pg/data/postmaster.pid" ] && kill -INT "$(head -1 "$WORK/pg/data/postmaster.pid")" 2>/dev/null || true
	sleep 1
	rm -rf "$WORK"
}
trap cleanup EXIT
log() { echo "[bench] $*" >&2; }
freeport() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

SG=$WORK/securegen
(cd "$REPO" && go build -o "$SG" .)

# PostgreSQL
mkdir -p "$WORK/pg"
as=()
if [ "$(id -u)" = 0 ]; then chmod 0711 "$WORK"; chown postgres "$WORK/pg"; as=(runuser -u postgres --); fi
"${as[@]}" "$PGBIN/initdb" -D "$WORK/pg/data" -U postgres --auth=trust --no-sync >/dev/null
PGPORT=$(freeport)
"${as[@]}" "$PGBIN/postgres" -D "$WORK/pg/data" -c listen_addresses=127.0.0.1 -p "$PGPORT" -k "$WORK/pg" >"$WORK/pg/log" 2>&1 &
PIDS+=($!)
for _ in $(seq 100); do psql -h 127.0.0.1 -p "$PGPORT" -U postgres -qAtc 'select 1' >/dev/null 2>&1 && break; sleep 0.1; done

BODY='{"email":"bench@example.com","password":"correct horse battery staple"}'
cat >"$WORK/login.lua" <<LUA
wrk.method = "POST"
wrk.body = '$BODY'
wrk.headers["Content-Type"] = "application/json"
LUA

# parse prints "req/s p50 p99" from wrk --latency output.
# A run with any answer but 2xx fails: a failing store would be fast and wrong.
parse() {
	awk '/Requests\/sec/ {rps=$2} /^ +50%/ {p50=$2} /^ +99%/ {p99=$2} /Non-2xx/ {bad=$NF}
		END {if (bad) {print "non-2xx answers: " bad > "/dev/stderr"; exit 1}; printf "%.0f %s %s\n", rps, p50, p99}'
}

echo "| store | POST /api/login req/s | p50 | p99 | GET /api/me req/s | p50 | p99 |"
echo "|---|---|---|---|---|---|---|"
for db in none sqlite postgres; do
	dir=$WORK/$db
	"$SG" new "$dir" --module example.com/svc --name svc --framework "$FW" --preset spa-backend --db "$db" --yes >/dev/null 2>&1
	(cd "$dir" && CGO_ENABLED=0 go build -o "$WORK/svc-$db" ./cmd/svc)
	port=$(freeport)
	env=(ADDR=127.0.0.1:$port LOG_LEVEL=error ACCESS_LOG=off METRICS_ADDR=off RATE_LIMIT=off LOGIN_RATE_LIMIT=off TRUSTED_PROXIES=none)
	[ "$db" = postgres ] && env+=("DATABASE_URL=postgres://postgres@127.0.0.1:$PGPORT/postgres?sslmode=disable")
	(cd "$dir" && exec env "${env[@]}" "$WORK/svc-$db" >"$WORK/$db.log" 2>&1) &
	PIDS+=($!)
	for _ in $(seq 100); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
	url=http://127.0.0.1:$port
	curl -fs -o /dev/null -H 'Content-Type: application/json' -d "$BODY" "$url/api/register"
	log "$db: login"
	read -r lr l50 l99 < <(wrk -t2 -c"$LOGIN_CONNS" -d"$DURATION" --latency -s "$WORK/login.lua" "$url/api/login" | parse)
	# After the login run: each login ended the account's oldest session
	# beyond SESSION_MAX_PER_ACCOUNT.
	cookie=$(curl -fs -o /dev/null -D - -H 'Content-Type: application/json' -d "$BODY" "$url/api/login" | sed -n 's/^Set-Cookie: \(__Host-session=[^;]*\).*/\1/p' | tr -d '\r')
	[ -n "$cookie" ] || { echo "no session cookie from $db" >&2; exit 1; }
	log "$db: me"
	read -r mr m50 m99 < <(wrk -t2 -c"$CONNS" -d"$DURATION" --latency -H "Cookie: $cookie" "$url/api/me" | parse)
	[ "$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: $cookie" "$url/api/me")" = 200 ] || { echo "$db: /api/me not 200 after the run" >&2; exit 1; }
	echo "| $db | $lr | $l50 | $l99 | $mr | $m50 | $m99 |"
	kill "${PIDS[-1]}"; wait "${PIDS[-1]}" 2>/dev/null || true
done
