#!/usr/bin/env bash
# Validates the container and monitoring files without a Docker engine:
#   - docker-compose.yml with `docker-compose config -q` (Debian's docker-compose 1.29, installed when missing)
#     against .env.example, that it refuses to run without the secrets, and that the backends stay internal
#   - the Dockerfiles the compose file builds exist
#   - ops/prometheus/prometheus.yml and alerts.yml: promtool when available, else YAML parsing
#     and structure checks (python3 with PyYAML, which the docker-compose package brings along)
#   - ops/grafana: provisioning YAML and the dashboard JSON (python3 -m json.tool + structure)
#   - every PatternSync metric the alerts and the dashboard query is exported by src/
# Runs every check, prints each result, exits non-zero if any failed.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 1

failures=0
pass() { echo "  ok    $*"; }
fail() { echo "  FAIL  $*" >&2; failures=$((failures + 1)); }
skip() { echo "  skip  $*"; }

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"
    elif command -v sudo >/dev/null 2>&1; then sudo -n "$@"
    else echo "need root (or sudo) to run: $*" >&2; return 1
    fi
}

# ---- docker-compose -------------------------------------------------------------------------
echo "== docker-compose.yml"
if ! command -v docker-compose >/dev/null 2>&1; then
    echo "  docker-compose not found; installing Debian's docker-compose package"
    export DEBIAN_FRONTEND=noninteractive
    if ! as_root apt-get install -y -q docker-compose >/tmp/validate-compose-apt.log 2>&1; then
        as_root apt-get update -q >>/tmp/validate-compose-apt.log 2>&1
        as_root apt-get install -y -q docker-compose >>/tmp/validate-compose-apt.log 2>&1 \
            || { tail -n 20 /tmp/validate-compose-apt.log >&2; }
    fi
fi
if command -v docker-compose >/dev/null 2>&1; then
    echo "  using $(docker-compose version --short 2>/dev/null || docker-compose version | head -n 1)"
    if output=$(docker-compose -f docker-compose.yml --env-file .env.example config -q 2>&1); then
        pass "docker-compose -f docker-compose.yml --env-file .env.example config -q"
    else
        echo "$output" >&2
        fail "docker-compose -f docker-compose.yml --env-file .env.example config -q"
    fi
    # The secrets have no defaults: without them (no env file, none in the environment) compose must refuse.
    no_secrets=$(mktemp)
    if output=$(env -u POSTGRES_PASSWORD -u RABBITMQ_PASSWORD -u QDRANT_API_KEY -u GRAFANA_ADMIN_USER -u GRAFANA_ADMIN_PASSWORD \
            docker-compose -f docker-compose.yml --env-file "$no_secrets" config -q 2>&1); then
        fail "docker-compose config accepts the compose file without its secrets"
    elif grep -q "in .env" <<<"$output"; then
        pass "docker-compose config refuses to run without the secrets in .env"
    else
        echo "$output" >&2
        fail "docker-compose config without the secrets failed for another reason"
    fi
    rm -f "$no_secrets"
    backend_check='
import sys, yaml
config = yaml.safe_load(sys.stdin)
backends = ("postgres", "rabbitmq", "qdrant", "prometheus")
problems = [f"{name} publishes ports" for name in backends if config["services"][name].get("ports")]
problems += [f"{name} is on a network other than backend" for name in backends
             if set(config["services"][name].get("networks") or {}) != {"backend"}]
if not (config.get("networks", {}).get("backend") or {}).get("internal"):
    problems.append("the backend network is not internal")
for p in problems:
    print("  " + p, file=sys.stderr)
sys.exit(1 if problems else 0)'
    if docker-compose -f docker-compose.yml --env-file .env.example config 2>/dev/null | python3 -c "$backend_check"; then
        pass "postgres, rabbitmq, qdrant, prometheus: no host ports, on the internal backend network only"
    else
        fail "a backend is reachable from outside the internal network"
    fi
else
    fail "docker-compose is not installed and could not be installed"
fi
for dockerfile in src/PatternApi/Dockerfile src/SyncWorker/Dockerfile; do
    if [ -f "$dockerfile" ] && grep -q '^ENTRYPOINT' "$dockerfile"; then
        pass "$dockerfile exists (ENTRYPOINT $(sed -n 's/^ENTRYPOINT *//p' "$dockerfile"))"
    else
        fail "$dockerfile is missing or has no ENTRYPOINT"
    fi
done
[ -f .dockerignore ] && pass ".dockerignore exists" || fail ".dockerignore is missing"

# ---- a python3 with PyYAML (the docker-compose package depends on python3-yaml) -------------
yaml_python=""
for candidate in python3 /usr/bin/python3; do
    if command -v "$candidate" >/dev/null 2>&1 && "$candidate" -c 'import yaml' >/dev/null 2>&1; then
        yaml_python=$candidate
        break
    fi
done

# ---- Prometheus -----------------------------------------------------------------------------
echo "== ops/prometheus"
if command -v promtool >/dev/null 2>&1; then
    # `check config` also checks the rule files the config names.
    if output=$(cd ops/prometheus && promtool check config prometheus.yml 2>&1); then
        pass "promtool check config prometheus.yml (rules: alerts.yml)"
    else
        echo "$output" >&2
        fail "promtool check config prometheus.yml"
    fi
else
    skip "promtool not installed: PromQL is not checked, YAML and structure only"
fi
if [ -n "$yaml_python" ]; then
    if "$yaml_python" - <<'PY'
import sys, yaml

ok = True
def check(cond, what):
    global ok
    print(("  ok    " if cond else "  FAIL  ") + what, file=sys.stdout if cond else sys.stderr)
    ok = ok and bool(cond)

config = yaml.safe_load(open("ops/prometheus/prometheus.yml"))
check(isinstance(config, dict), "prometheus.yml parses as YAML")
check("alerts.yml" in (config.get("rule_files") or []), "prometheus.yml loads rule file alerts.yml")
targets = {t for job in config.get("scrape_configs") or []
           for sc in job.get("static_configs") or [] for t in sc.get("targets") or []
           if job.get("metrics_path", "/metrics") == "/metrics"}
for target in ("api:8080", "worker:8080"):
    check(target in targets, f"prometheus.yml scrapes {target}/metrics")

alerts = yaml.safe_load(open("ops/prometheus/alerts.yml"))
check(isinstance(alerts, dict) and alerts.get("groups"), "alerts.yml parses as YAML with rule groups")
names = []
for group in alerts.get("groups") or []:
    for rule in group.get("rules") or []:
        name = rule.get("alert")
        names.append(name)
        good = (name and rule.get("expr") and (rule.get("labels") or {}).get("severity")
                and {"summary", "description"} <= set(rule.get("annotations") or {}))
        check(good, f"alert {name}: expr, severity, summary, description")
for wanted in ("PatternSyncLagHigh", "OutboxBacklogGrowing", "OutboxOldestUnsentOld",
               "ReconciliationFailing", "ReconciliationFoundDrift", "MatchLatencyHigh"):
    check(wanted in names, f"alert {wanted} is defined")

for path in ("ops/grafana/provisioning/datasources/prometheus.yml",
             "ops/grafana/provisioning/dashboards/dashboards.yml"):
    doc = yaml.safe_load(open(path))
    check(isinstance(doc, dict) and doc.get("apiVersion") == 1, f"{path} parses (apiVersion 1)")
sys.exit(0 if ok else 1)
PY
    then :; else fail "Prometheus/Grafana YAML checks (see above)"; fi
else
    skip "no python3 with PyYAML: Prometheus and Grafana YAML files not parsed"
fi

# ---- Grafana dashboard ----------------------------------------------------------------------
echo "== ops/grafana"
dashboard=ops/grafana/dashboards/patternsync.json
if python3 -m json.tool "$dashboard" >/dev/null; then
    pass "python3 -m json.tool $dashboard"
    if python3 - "$dashboard" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
problems = []
for key, want in (("uid", "patternsync"), ("title", "PatternSync"), ("schemaVersion", 39), ("refresh", "10s")):
    if d.get(key) != want:
        problems.append(f"{key} is {d.get(key)!r}, expected {want!r}")
if d.get("time", {}).get("from") != "now-1h":
    problems.append("time range is not the last hour")
panels = [p for p in d.get("panels", []) if p.get("type") == "timeseries"]
ids = [p.get("id") for p in d.get("panels", [])]
if len(ids) != len(set(ids)):
    problems.append("panel ids are not unique")
for p in panels:
    if p.get("datasource", {}).get("uid") != "prometheus" or not p.get("targets"):
        problems.append(f"panel {p.get('title')!r} has no Prometheus targets")
for p in problems:
    print("  FAIL  " + p, file=sys.stderr)
if not problems:
    print(f"  ok    dashboard uid patternsync, schemaVersion 39, {len(panels)} timeseries panels on datasource uid prometheus")
sys.exit(1 if problems else 0)
PY
    then :; else fail "dashboard structure"; fi
else
    fail "$dashboard is not valid JSON"
fi

# ---- metric names against the code -----------------------------------------------------------
echo "== metric names"
if python3 - <<'PY'
import json, pathlib, re, sys
exported = set()
for cs in pathlib.Path("src").rglob("*.cs"):
    if "/obj/" in cs.as_posix() or "/bin/" in cs.as_posix():
        continue
    exported.update(re.findall(r'"([a-z][a-z0-9_]*)"', cs.read_text(encoding="utf-8", errors="replace")))
exprs = re.findall(r"^\s*expr:\s*(.+)$", pathlib.Path("ops/prometheus/alerts.yml").read_text(), re.M)
try:
    dashboard = json.loads(pathlib.Path("ops/grafana/dashboards/patternsync.json").read_text())
    exprs += [t["expr"] for p in dashboard.get("panels", []) for t in p.get("targets", [])]
except ValueError:
    print("  skip  dashboard queries (the dashboard is not valid JSON, reported above)")
used = set()
for expr in exprs:
    for name in re.findall(r"\b((?:pattern|qdrant|postgres)_[a-z0-9_]+)", expr):
        used.add(re.sub(r"_(bucket|count|sum)$", "", name) if name not in exported else name)
missing = sorted(n for n in used if n not in exported)
for n in missing:
    print(f"  FAIL  {n} is queried but not exported by src/", file=sys.stderr)
if not missing:
    print(f"  ok    {len(used)} PatternSync metrics queried by alerts.yml and the dashboard are all exported by src/")
sys.exit(1 if missing else 0)
PY
then :; else fail "metric names"; fi

echo
if [ "$failures" -ne 0 ]; then
    echo "validate-compose: $failures check(s) FAILED" >&2
    exit 1
fi
echo "validate-compose: all checks passed"
