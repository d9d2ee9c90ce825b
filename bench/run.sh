#!/usr/bin/env bash
# bench/run.sh — securegen's benchmark harness (issue 8). Not part of go test.
#
#   bash bench/run.sh [--express] [--duration 10s] [--rounds 3] [--frameworks "stdlib chi gin echo fiber"]
#                     [--skip-wrk] [--skip-gobench] [--skip-timing] [--keep]
#
# In one run it:
#   1. generates the api preset (auth none, in-memory limit 1000000/1m that never
#      triggers) per framework into a temp dir, builds the service (chain) and a
#      bare main from bench/testdata/bare/<fw>.go (handlers.Hello on GET /api/hello, the
#      framework's router, no security middleware), and measures both with wrk
#      (GET /api/hello, Origin header set), alternating chain/bare per round;
#   2. with --express, measures the Express reference stack in bench/express/
#      (npm install into a temp dir) in the same rounds;
#   3. runs go test -bench in the generated projects: BenchmarkChain/access_log=off
#      against BenchmarkBare (bench/testdata/gobench/bare_<fw>_test.go), and the limiter's
#      memory at 1M distinct clients and its bound (bench/testdata/gobench/limiter_mem_test.go);
#   4. times `securegen new --yes --skip-tidy` and `securegen regen --check`
#      (hyperfine when installed, else a loop; median, whole process).
# Results: a markdown report on stdout, also written to $WORK/results.md.
# Needs: go, wrk, curl; node+npm for --express; hyperfine optional.
set -euo pipefail

EXPRESS=0 DURATION=10s ROUNDS=3 CONNS=50 THREADS=2 KEEP=0
FRAMEWORKS="stdlib chi gin echo fiber"
SKIP_WRK=0 SKIP_GOBENCH=0 SKIP_TIMING=0
while [ $# -gt 0 ]; do
	case "$1" in
	--express) EXPRESS=1 ;;
	--duration) DURATION=$2; shift ;;
	--rounds) ROUNDS=$2; shift ;;
	--frameworks) FRAMEWORKS=$2; shift ;;
	--skip-wrk) SKIP_WRK=1 ;;
	--skip-gobench) SKIP_GOBENCH=1 ;;
	--skip-timing) SKIP_TIMING=1 ;;
	--keep) KEEP=1 ;;
	-h|--help) sed -n '2,22p' "$0"; exit 0 ;;
	*) echo "unknown flag $1" >&2; exit 2 ;;
	esac
	shift
done

REPO=$(cd "$(dirname "$0")/.." && pwd)
BENCH=$REPO/bench
WORK=$(mktemp -d /tmp/securegen-bench.XXXXXX)
PIDS=()
cleanup() {
	for p in "${PIDS[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done
	if [ "$KEEP" = 0 ]; then chmod -R u+w "$WORK" 2>/dev/null; rm -rf "$WORK"; else echo "kept $WORK" >&2; fi
}
trap cleanup EXIT
log() { echo "[bench] $*" >&2; }
RESULTS=$WORK/results.md
: >"$RESULTS"
out() { echo "$*" | tee -a "$RESULTS"; }

LOAD_START=$(cut -d" " -f1-3 /proc/loadavg)
log "work dir $WORK"
SG=$WORK/securegen
(cd "$REPO" && go build -o "$SG" .)

# ---- 1. generate and build -------------------------------------------------
gen() { # gen FW DIR [extra flags]
	local fw=$1 dir=$2
	shift 2
	"$SG" new "$dir" --module example.com/bench --framework "$fw" --preset api --auth none \
		--origins https://app.example.com --rate-limit 1000000/1m --yes "$@" >"$WORK/new-$fw.log" 2>&1
}
for fw in $FRAMEWORKS; do
	d=$WORK/$fw
	log "generate + build $fw"
	gen "$fw" "$d"
	mkdir -p "$d/cmd/bare"
	cp "$BENCH/testdata/bare/$fw.go" "$d/cmd/bare/main.go"
	cp "$BENCH/testdata/gobench/bare_${fw}_test.go" "$d/internal/server/bare_bench_test.go"
	cp "$BENCH/testdata/gobench/limiter_mem_test.go" "$d/internal/ratelimit/limiter_mem_test.go"
	main=$(cd "$d" && go list -f '{{if eq .Name "main"}}{{.ImportPath}}{{end}}' ./cmd/... | grep -v /cmd/bare | head -1)
	(cd "$d" && go build -o "$WORK/chain-$fw" "$main" && go build -o "$WORK/bare-$fw" ./cmd/bare)
done

# ---- 2. wrk ------------------------------------------------------------------
PORT=18080
wait_port() { # wait_port PORT
	for _ in $(seq 200); do
		curl -fs -o /dev/null "http://127.0.0.1:$1/api/hello" && return 0
		sleep 0.05
	done
	echo "server on port $1 did not answer" >&2
	return 1
}
to_us() { # 1.23ms -> 1230
	awk -v v="$1" 'BEGIN{ n=v; sub(/[a-z]+$/,"",n); u=v; sub(/^[0-9.]+/,"",u);
		m=(u=="us")?1:(u=="ms")?1000:(u=="s")?1000000:1; printf "%.0f", n*m }'
}
measure() { # measure NAME CMD... -> appends "NAME rps p50us p99us" to $WORK/wrk.txt
	local name=$1
	shift
	PORT=$((PORT + 1))
	ADDR=127.0.0.1:$PORT TRUSTED_PROXIES=none ACCESS_LOG=off LOG_LEVEL=error NODE_ENV=production "$@" >"$WORK/srv-$name.log" 2>&1 &
	local pid=$!
	PIDS+=("$pid")
	wait_port "$PORT"
	wrk -t"$THREADS" -c"$CONNS" -d1s -H 'Origin: https://app.example.com' "http://127.0.0.1:$PORT/api/hello" >/dev/null # warm-up
	wrk -t"$THREADS" -c"$CONNS" -d"$DURATION" --latency -H 'Origin: https://app.example.com' \
		"http://127.0.0.1:$PORT/api/hello" >"$WORK/wrk-$name.out"
	kill "$pid"
	wait "$pid" 2>/dev/null || true
	local rps p50 p99 non2xx
	rps=$(awk '/^Requests\/sec/{print $2}' "$WORK/wrk-$name.out")
	p50=$(to_us "$(awk '$1=="50%"{print $2}' "$WORK/wrk-$name.out")")
	p99=$(to_us "$(awk '$1=="99%"{print $2}' "$WORK/wrk-$name.out")")
	non2xx=$(awk '/Non-2xx/{print $NF}' "$WORK/wrk-$name.out")
	[ -n "$non2xx" ] && log "WARNING $name: $non2xx non-2xx responses"
	echo "$name $rps $p50 $p99" >>"$WORK/wrk.txt"
	log "$name: $rps req/s p50 ${p50}us p99 ${p99}us"
}
median() { sort -g | awk '{a[NR]=$1} END{ if (NR==0) {print "nan"; exit}; print (NR%2)? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2 }'; }
col() { awk -v n="$1" -v c="$2" '$1==n{print $c}' "$WORK/wrk.txt" | median; }

if [ "$EXPRESS" = 1 ]; then
	log "npm install express stack"
	mkdir -p "$WORK/express"
	cp "$BENCH/express/package.json" "$BENCH/express/server.js" "$WORK/express/"
	(cd "$WORK/express" && npm install --no-audit --no-fund --silent >/dev/null)
	EXPRESS_VERSIONS=$(cd "$WORK/express" && npm ls --depth=0 2>/dev/null | awk 'NR>1{print $2}' | tr '\n' ' ')
fi

if [ "$SKIP_WRK" = 0 ]; then
	: >"$WORK/wrk.txt"
	for r in $(seq "$ROUNDS"); do
		log "wrk round $r/$ROUNDS"
		for fw in $FRAMEWORKS; do
			measure "chain-$fw" "$WORK/chain-$fw"
			measure "bare-$fw" "$WORK/bare-$fw"
		done
		if [ "$EXPRESS" = 1 ]; then
			measure express node "$WORK/express/server.js"
		fi
	done
	out "## wrk: GET /api/hello, wrk -t$THREADS -c$CONNS -d$DURATION --latency, median of $ROUNDS alternating rounds"
	out ""
	if [ "$EXPRESS" = 1 ]; then
		ex=$(col express 2)
		out "Express reference stack ($EXPRESS_VERSIONS): $(printf '%.0f' "$ex") req/s, p50 $(col express 3) µs, p99 $(col express 4) µs"
		out ""
		out "| framework | chain req/s | bare req/s | chain/bare | chain p50 µs | bare p50 µs | chain p99 µs | bare p99 µs | p99 chain/bare | chain/Express |"
		out "|---|---|---|---|---|---|---|---|---|---|"
	else
		out "| framework | chain req/s | bare req/s | chain/bare | chain p50 µs | bare p50 µs | chain p99 µs | bare p99 µs | p99 chain/bare |"
		out "|---|---|---|---|---|---|---|---|---|"
	fi
	for fw in $FRAMEWORKS; do
		c=$(col "chain-$fw" 2) b=$(col "bare-$fw" 2)
		c99=$(col "chain-$fw" 4) b99=$(col "bare-$fw" 4)
		row="| $fw | $(printf '%.0f' "$c") | $(printf '%.0f' "$b") | $(awk -v a="$c" -v b="$b" 'BEGIN{printf "%.2f", a/b}') | $(col "chain-$fw" 3) | $(col "bare-$fw" 3) | $c99 | $b99 | $(awk -v a="$c99" -v b="$b99" 'BEGIN{printf "%.2f", a/b}') |"
		[ "$EXPRESS" = 1 ] && row="$row $(awk -v a="$c" -v b="$ex" 'BEGIN{printf "%.1f×", a/b}') |"
		out "$row"
	done
	out ""
	out "Per-run numbers (name req/s p50µs p99µs):"
	out ""
	out '```'
	cat "$WORK/wrk.txt" | tee -a "$RESULTS"
	out '```'
	out ""
fi

# ---- 3. go test -bench ---------------------------------------------------------
if [ "$SKIP_GOBENCH" = 0 ]; then
	out "## go test -bench: BenchmarkChain/access_log=off vs BenchmarkBare (median of 5, -benchmem)"
	out ""
	out "| framework | chain ns/op | chain B/op | chain allocs/op | bare ns/op | bare B/op | bare allocs/op | chain adds ns | adds B | adds allocs |"
	out "|---|---|---|---|---|---|---|---|---|---|"
	for fw in $FRAMEWORKS; do
		log "go test -bench $fw"
		(cd "$WORK/$fw" && go test ./internal/server -run '^$' -bench 'Bare|Chain/access_log=off' \
			-benchmem -count 5 -benchtime 1s) >"$WORK/gobench-$fw.txt"
		gb() { awk -v n="$1" -v c="$2" '$1 ~ n {for(i=1;i<=NF;i++) if ($i==c) print $(i-1)}' "$WORK/gobench-$fw.txt" | median; }
		cn=$(gb '^BenchmarkChain/access_log=off' ns/op) cb=$(gb '^BenchmarkChain/access_log=off' B/op) ca=$(gb '^BenchmarkChain/access_log=off' allocs/op)
		bn=$(gb '^BenchmarkBare' ns/op) bb=$(gb '^BenchmarkBare' B/op) ba=$(gb '^BenchmarkBare' allocs/op)
		out "| $fw | $cn | $cb | $ca | $bn | $bb | $ba | $(awk -v a="$cn" -v b="$bn" 'BEGIN{printf "%.0f", a-b}') | $(awk -v a="$cb" -v b="$bb" 'BEGIN{print a-b}') | $(awk -v a="$ca" -v b="$ba" 'BEGIN{print a-b}') |"
	done
	out ""
	fw=$(echo "$FRAMEWORKS" | awk '{print $1}')
	log "limiter memory ($fw project; internal/ratelimit is the same in every project)"
	if (cd "$WORK/$fw" && go test ./internal/ratelimit -run '^TestBenchLimiter' -count 1 -v -timeout 10m) >"$WORK/limiter.txt" 2>&1; then lstat=PASS; else lstat=FAIL; fi
	out "## In-memory limiter (internal/ratelimit, $lstat)"
	out ""
	out '```'
	grep -E 'BENCH_|FAIL|limiter_mem_test' "$WORK/limiter.txt" | sed 's/^ *//' | tee -a "$RESULTS"
	out '```'
	out ""
fi

# ---- 4. securegen new / regen --check --------------------------------------------
if [ "$SKIP_TIMING" = 0 ]; then
	T=$WORK/timing
	mkdir -p "$T"
	# The api preset with its default rate limit (100/15m): see BENCHMARKS.md
	# for why 1000000/1m costs more to render.
	TFLAGS="--module example.com/bench --framework stdlib --preset api --auth none --origins https://app.example.com --yes --skip-tidy"
	"$SG" new "$T/regen" $TFLAGS >/dev/null
	NEWCMD="$SG new $T/new $TFLAGS"
	REGENCMD="$SG regen --check $T/regen"
	out "## securegen timings (whole process, median; stdlib, api preset, default rate limit)"
	out ""
	if command -v hyperfine >/dev/null; then
		hyperfine -N --warmup 3 --runs 40 --prepare "rm -rf $T/new" "$NEWCMD" --export-json "$T/new.json" >&2
		hyperfine -N --warmup 3 --runs 40 "$REGENCMD" --export-json "$T/regen.json" >&2
		hyperfine -N --warmup 3 --runs 40 "$SG version" --export-json "$T/version.json" >&2
		med() { python3 -c "import json,sys; r=json.load(open(sys.argv[1]))['results'][0]; print('%.1f | %.1f | %.1f' % (r['median']*1000, r['min']*1000, (r['user']+r['system'])*1000))" "$1"; }
		out "| command | median ms | min ms | CPU (user+sys) ms |"
		out "|---|---|---|---|"
		out "| securegen new --yes --skip-tidy | $(med "$T/new.json") |"
		out "| securegen regen --check (unchanged) | $(med "$T/regen.json") |"
		out "| securegen version (process start floor) | $(med "$T/version.json") |"
	else
		loop() { # loop PREP CMD -> median ms of 30 runs
			for _ in $(seq 30); do
				eval "$1"
				s=$(date +%s%N)
				eval "$2" >/dev/null 2>&1
				echo $(( ($(date +%s%N) - s) / 1000 ))
			done | median | awk '{printf "%.1f", $1/1000}'
		}
		out "| command | median ms |"
		out "|---|---|"
		out "| securegen new --yes --skip-tidy | $(loop "rm -rf $T/new" "$NEWCMD") |"
		out "| securegen regen --check (unchanged) | $(loop true "$REGENCMD") |"
	fi
	out ""
fi

out "Machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'), $(free -g | awk '/Mem:/{print $2}') GiB RAM; load average at start $LOAD_START"
out "Date: $(date -u +%Y-%m-%dT%H:%MZ); $(go version); wrk $(wrk -v 2>&1 | head -1 | awk '{print $2}'); $(uptime | sed 's/.*load/load/')"
log "results in $RESULTS"
[ "$KEEP" = 1 ] || cp "$RESULTS" "${BENCH_RESULTS:-/tmp/securegen-bench-results.md}"
