#!/usr/bin/env bash
# load-test.sh: a generated service under sustained load.
#
# For each framework (default: all), generates the service, starts it on
# 127.0.0.1 and drives GET /api/hello with wrk at saturation for DURATION
# (default 30s) with a rate limit that a part of the load exceeds. Passes when
# every response is 2xx or 429, some are 429, the process exits 0 on SIGTERM
# afterwards, and a few seconds after the load it holds no more open
# descriptors than before: no connection, and so no connection goroutine,
# is left behind. (OS threads are shown, not judged: the Go runtime keeps
# the threads it started under load.)
#
#   bash scripts/load-test.sh                 # every framework, 30s each
#   DURATION=10s bash scripts/load-test.sh gin
#
# Needs wrk (apt-get install wrk). Traffic goes to 127.0.0.1 only.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v wrk >/dev/null || { echo "wrk is not installed: apt-get install wrk" >&2; exit 2; }
DURATION=${DURATION:-30s}
frameworks=("$@")
[ ${#frameworks[@]} -gt 0 ] || frameworks=(stdlib chi gin echo fiber)

work=$(mktemp -d)
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
go build -o "$work/securegen" .

cat > "$work/status.lua" <<'LUA'
-- Tally responses: 2xx, 429, anything else.
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init() ok, limited, other = 0, 0, 0 end
function response(status)
  if status >= 200 and status < 300 then ok = ok + 1
  elseif status == 429 then limited = limited + 1
  else other = other + 1 end
end
function done()
  local o, l, x = 0, 0, 0
  for _, t in ipairs(threads) do
    o, l, x = o + t:get("ok"), l + t:get("limited"), x + t:get("other")
  end
  io.write(string.format("tally %d %d %d\n", o, l, x))
end
LUA

port=18080
failed=0
printf '%-8s %12s %10s %10s %10s %s\n' framework requests req/s 2xx 429 other
for fw in "${frameworks[@]}"; do
  dir="$work/$fw"
  "$work/securegen" new "$dir" --module "example.com/load$fw" --name svc --framework "$fw" --auth none --rate-limit 100000/1m --yes >/dev/null 2>&1
  (cd "$dir" && go build -o "$work/svc-$fw" ./cmd/svc)
  port=$((port + 1))
  ADDR=127.0.0.1:$port TRUSTED_PROXIES=none ACCESS_LOG=off LOG_LEVEL=error "$work/svc-$fw" &
  pid=$!
  for _ in $(seq 50); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
  threads_before=$(awk '/^Threads:/ {print $2}' /proc/$pid/status)
  fds_before=$(ls /proc/$pid/fd | wc -l)
  out=$(wrk -t2 -c64 -d"$DURATION" -s "$work/status.lua" "http://127.0.0.1:$port/api/hello")
  sleep 3
  threads_after=$(awk '/^Threads:/ {print $2}' /proc/$pid/status)
  fds_after=$(ls /proc/$pid/fd | wc -l)
  kill -TERM "$pid"; wait "$pid" || { echo "$fw: exit status $? after SIGTERM" >&2; failed=1; }
  pid=
  total=$(echo "$out" | awk '/requests in/ {print $1}')
  rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
  read -r ok limited other < <(echo "$out" | awk '$1=="tally" {print $2, $3, $4}')
  errors=$(echo "$out" | awk '/Socket errors/ {print}')
  printf '%-8s %12s %10s %10s %10s %s\n' "$fw" "$total" "$rps" "$ok" "$limited" "$other"
  [ -z "$errors" ] || echo "  $errors"
  echo "  threads $threads_before -> $threads_after, open descriptors $fds_before -> $fds_after"
  if [ "$other" -ne 0 ] || [ "$limited" -eq 0 ] || [ "$fds_after" -gt $((fds_before + 2)) ]; then
    echo "  FAIL: $fw" >&2
    failed=1
  fi
done
exit $failed
