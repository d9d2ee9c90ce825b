#!/usr/bin/env bash
# check-generated.sh: the static-quality gate of securegen.
#
# Generates every framework x preset x auth combination securegen supports
# and runs go vet, staticcheck, gosec and govulncheck on each. Any finding
# fails the gate. Prints a table of combinations x tools.
#
#   bash scripts/check-generated.sh            # every combination
#   bash scripts/check-generated.sh stdlib chi # only these frameworks
#
# Tools are installed at pinned versions into $SECUREGEN_TOOLS (default
# ~/.cache/securegen/tools) and reused on later runs. Everything, tools
# included, runs with GOTOOLCHAIN=go1.27.3 (served by the Go module proxy):
# the machine's Go 1.26 has standard-library advisories fixed in later
# releases, which govulncheck would report against every program.
# govulncheck runs offline against the vulnerability database the module
# proxy serves as golang.org/x/vulndb, at a pinned version.
set -euo pipefail
cd "$(dirname "$0")/.."

export GOTOOLCHAIN=go1.27.3
STATICCHECK=honnef.co/go/tools/cmd/staticcheck@v0.8.2
GOSEC=github.com/securego/gosec/v2/cmd/gosec@v2.30.0
GOVULNCHECK=golang.org/x/vuln/cmd/govulncheck@v1.9.0
VULNDB=golang.org/x/vulndb@v0.0.0-20261105234957-e22db6528018

TOOLS=${SECUREGEN_TOOLS:-$HOME/.cache/securegen/tools}
mkdir -p "$TOOLS"
stamp="$TOOLS/versions"
want="$GOTOOLCHAIN $STATICCHECK $GOSEC $GOVULNCHECK"
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  echo "== installing staticcheck, gosec, govulncheck into $TOOLS (once per machine)"
  for t in "$STATICCHECK" "$GOSEC" "$GOVULNCHECK"; do
    GOBIN="$TOOLS" go install "$t"
  done
  echo "$want" > "$stamp"
fi
vdb=$(go mod download -json "$VULNDB" | sed -n 's/.*"Dir": "\(.*\)".*/\1/p')
[ -d "$vdb/data/osv" ] || { echo "vulnerability database $VULNDB not found" >&2; exit 1; }

securegen="$TOOLS/securegen-under-test"
go build -o "$securegen" .

frameworks=("$@")
[ ${#frameworks[@]} -gt 0 ] || frameworks=(stdlib chi gin echo fiber)
# Per framework: every preset with its own auth, the other auth modes, and
# the other TLS modes, the Redis store and every database (each of which
# adds code; session and oidc default to SQLite; jwt and apikey keep their
# notes in memory without one, in api jwt, and in a database here).
cases=(
  "api none"
  "api jwt"
  "api oidc"
  "api jwt --tls files --db postgres"
  "internal apikey --db sqlite"
  "spa-backend session"
  "spa-backend session --rate-limit-store redis --tls autocert --db none"
  "spa-backend session --db postgres"
)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# count runs a tool and prints its number of findings; the tool's output
# goes to $log.
count() {
  local log=$1; shift
  if "$@" >"$log" 2>&1; then echo 0; return; fi
  local n
  n=$(grep -cE '^[^ ].*:[0-9]+:[0-9]+|^Vulnerability #|^\[' "$log" || true)
  [ "$n" -gt 0 ] || n=1 # the tool failed without a finding line: count it
  echo "$n"
}

printf '%-44s %6s %12s %6s %12s\n' combination vet staticcheck gosec govulncheck
total=0
failed=()
start=$(date +%s)
for fw in "${frameworks[@]}"; do
  for c in "${cases[@]}"; do
    read -r preset auth extra <<<"$c"
    name="$fw-$preset-$auth"
    [ -z "$extra" ] || name="$name$(printf '%s' "$extra" | sed 's/--[a-z-]* /-/g; s/ //g')"
    # shellcheck disable=SC2086 # extra holds several flags
    dir="$work/$name"
    "$securegen" new "$dir" --module "example.com/$name" --framework "$fw" --preset "$preset" --auth "$auth" \
      --origins https://app.example.com $extra --yes >"$work/$name.new.log" 2>&1 ||
      { cat "$work/$name.new.log"; echo "securegen new failed for $name" >&2; exit 1; }
    logs="$work/$name"
    v=$(cd "$dir" && count "$logs.vet" go vet ./...)
    s=$(cd "$dir" && count "$logs.staticcheck" "$TOOLS/staticcheck" ./...)
    g=$(cd "$dir" && count "$logs.gosec" "$TOOLS/gosec" -quiet -exclude-dir=.securegen -fmt=golint ./...)
    u=$(cd "$dir" && count "$logs.govulncheck" "$TOOLS/govulncheck" -db "file://$vdb/data/osv" ./...)
    printf '%-44s %6s %12s %6s %12s\n' "$name" "$v" "$s" "$g" "$u"
    sum=$((v + s + g + u))
    if [ "$sum" -gt 0 ]; then
      failed+=("$name")
      for t in vet staticcheck gosec govulncheck; do
        [ -s "$logs.$t" ] && { echo "--- $name: $t"; cat "$logs.$t"; }
      done
    fi
    total=$((total + sum))
  done
done
echo "static gate: $((${#frameworks[@]} * ${#cases[@]})) combinations, $total findings, $(( $(date +%s) - start ))s"
if [ "$total" -gt 0 ]; then
  echo "static gate FAILED: ${failed[*]}" >&2
  exit 1
fi
