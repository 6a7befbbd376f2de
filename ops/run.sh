#!/usr/bin/env bash
# Runs PatternSync on this machine with one command:
#   ops/run.sh
# With a Docker engine: `docker compose up` (PostgreSQL, RabbitMQ, Qdrant, API, worker, Prometheus, Grafana).
# Without one: PostgreSQL and RabbitMQ from ops/services.sh, the index embedded in PostgreSQL, the API and
# the worker as local processes; migrates, loads the sample patterns, shows one real match, and keeps
# running until Ctrl-C, which stops everything this script started. Safe to run twice or after a crash.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
API_URL=${PATTERNSYNC_API_URL:-http://127.0.0.1:8080}
WORKER_URL=${PATTERNSYNC_WORKER_URL:-http://127.0.0.1:8081}
RUN_DIR=$ROOT/.data/run
mkdir -p "$RUN_DIR"
say() { printf '\033[1m[run]\033[0m %s\n' "$*" >&2; }

if command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1; then
  say "Docker engine found: docker compose up (Ctrl-C stops it)"
  [ -f .env ] || { say "docker-compose.yml takes its secrets from .env: copy .env.example to .env and set real values (see its comments)"; exit 1; }
  if docker compose version >/dev/null 2>&1; then exec docker compose up --build; else exec docker-compose up --build; fi
fi

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

# A previous run that crashed may have left its hosts behind: stop them by their recorded PIDs.
for pidfile in "$RUN_DIR"/*.pid; do
  [ -e "$pidfile" ] || continue
  pid=$(cat "$pidfile"); kill "$pid" 2>/dev/null && say "stopped a leftover process ($(basename "$pidfile" .pid), PID $pid)" || true
  rm -f "$pidfile"
done

services_were_running=$(ops/services.sh status | grep -c running || true)
as_root ops/services.sh start >/dev/null
say "building (Release)..."
dotnet build -c Release PatternSync.sln -v quiet -nologo >"$RUN_DIR/build.log" 2>&1 || { cat "$RUN_DIR/build.log" >&2; exit 1; }
API_DLL=src/PatternApi/bin/Release/net10.0/PatternSync.PatternApi.dll
WORKER_DLL=src/SyncWorker/bin/Release/net10.0/PatternSync.SyncWorker.dll
say "migrating the database..."
dotnet "$API_DLL" migrate --contentRoot "$ROOT/src/PatternApi" >"$RUN_DIR/migrate.log" 2>&1 || { cat "$RUN_DIR/migrate.log" >&2; exit 1; }

keys() { ASPNETCORE_CONTENTROOT="$ROOT/src/PatternApi" Serilog__MinimumLevel__Default=Warning dotnet "$API_DLL" keys "$@"; }
# The development keys of earlier runs (named "ops/run.sh ...") are revoked, so they do not pile up.
revoke_run_keys() {
  keys list 2>/dev/null | awk '$3 == "ops/run.sh" && $NF == "active" { print $2 }' \
    | while read -r prefix; do keys revoke "$prefix" >/dev/null 2>&1 || true; done
}
say "creating a development API key..."
revoke_run_keys
API_KEY=$(keys create "ops/run.sh $(date +%F)" --scopes patterns:read,patterns:write,ops:admin 2>/dev/null | grep '^ps_' || true)
[ -n "$API_KEY" ] || { say "could not create an API key"; exit 1; }
export PATTERNSYNC_API_KEY=$API_KEY

stop_all() {
  trap - INT TERM EXIT
  say "stopping..."
  for pidfile in "$RUN_DIR"/*.pid; do
    [ -e "$pidfile" ] && kill "$(cat "$pidfile")" 2>/dev/null || true
    rm -f "$pidfile"
  done
  wait 2>/dev/null || true
  revoke_run_keys
  # Stop the services only if this run started them.
  [ "$services_were_running" -ge 2 ] || as_root ops/services.sh stop
}
trap stop_all INT TERM EXIT

start_host() { # name dll project-dir url   (the project dir holds appsettings.json and wwwroot)
  ASPNETCORE_ENVIRONMENT=Production dotnet "$2" --contentRoot "$3" --urls "$4" >"$RUN_DIR/$1.log" 2>&1 &
  echo $! >"$RUN_DIR/$1.pid"
}
start_host api "$API_DLL" "$ROOT/src/PatternApi" "$API_URL"
start_host worker "$WORKER_DLL" "$ROOT/src/SyncWorker" "$WORKER_URL"
for url in "$API_URL" "$WORKER_URL"; do
  for _ in $(seq 1 120); do curl -fs -o /dev/null "$url/health/live" && break; sleep 0.5; done
  curl -fs -o /dev/null "$url/health/live" || { say "$url did not start; see $RUN_DIR/*.log"; exit 1; }
done

say "loading the sample patterns..."
ops/load-sample-data.sh "$API_URL"
say "waiting for the index to hold them (the local model embeds ~35 long texts/s on 2 cores)..."
while true; do
  left=$(curl -fs -H "X-Api-Key: $API_KEY" "$API_URL/api/v1/sync/status" | python3 -c 'import json,sys; print(json.load(sys.stdin)["patterns_not_indexed"])')
  printf '\r[run] patterns not indexed yet: %-6s' "$left" >&2
  [ "$left" = 0 ] && break
  sleep 1
done
echo >&2

cat >&2 <<EOF

  PatternSync is running.
    API             $API_URL/api/v1/patterns
    API reference   $API_URL/reference
    status page     $API_URL/ops/index.html#key=$API_KEY
    API key         $API_KEY   (header X-Api-Key; scopes patterns:read, patterns:write, ops:admin)
    MCP endpoint    $API_URL/mcp   (streamable HTTP for agents; header X-Api-Key: $API_KEY; tools: docs/mcp.md)
    metrics         $API_URL/metrics   $WORKER_URL/metrics
    logs            $RUN_DIR/api.log   $RUN_DIR/worker.log
  Index: embedded in PostgreSQL (no Qdrant here); docker compose runs Qdrant.

  One real match: "our checkout endpoint falls over whenever the payment provider is slow"
EOF
curl -fs -X POST "$API_URL/api/v1/patterns/match" -H 'Content-Type: application/json' -H "X-Api-Key: $API_KEY" \
  -d '{"intent": "our checkout endpoint falls over whenever the payment provider is slow", "limit": 3, "min_confidence": 0.3}' \
  | python3 -c '
import json, sys
r = json.load(sys.stdin)
for m in r["matched_patterns"]:
    print("    %.2f  %s  (%s)" % (m["confidence_score"], m["name"], m["pattern_type"]), file=sys.stderr)
    for step in m["recommendations"][:3]:
        print("            - " + step, file=sys.stderr)
print("    (%s ms, %s)" % (r["query_metadata"]["query_time_ms"], r["query_metadata"]["embedding_model"]), file=sys.stderr)'
say "Ctrl-C stops the API, the worker and the services this run started."
wait
