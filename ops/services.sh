#!/usr/bin/env bash
# Starts PostgreSQL 15 and RabbitMQ for PatternSync without Docker: installed from Debian
# packages when missing, bound to loopback, data under .data/ of the checkout, stopped by PID.
#
#   ops/services.sh start|stop|status|env
#
# Ports (defaults avoid a system PostgreSQL on 5432 and a system RabbitMQ on 5672):
#   PATTERNSYNC_PG_PORT=55432  PATTERNSYNC_RABBITMQ_PORT=55672  PATTERNSYNC_RABBITMQ_DIST_PORT=55673
#   PATTERNSYNC_EPMD_PORT=55674
# The apps and tests read the same PATTERNSYNC_* variables, with the same defaults.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DATA=${PATTERNSYNC_DATA_DIR:-$ROOT/.data}
mkdir -p "$DATA"
PG_PORT=${PATTERNSYNC_PG_PORT:-55432}
MQ_PORT=${PATTERNSYNC_RABBITMQ_PORT:-55672}
MQ_DIST_PORT=${PATTERNSYNC_RABBITMQ_DIST_PORT:-55673}
EPMD_PORT=${PATTERNSYNC_EPMD_PORT:-55674}
PG_BIN=/usr/lib/postgresql/15/bin
PG_DIR=$DATA/postgres
MQ_DIR=$DATA/rabbitmq
# The services run as their own users, which must be able to reach their data folder; a checkout
# under a private home (e.g. /root) is not reachable, so their data moves to a folder they can reach.
# Decided from the permission bits alone, so start and stop always agree (the users may not exist yet).
world_traversable() {
  local dir=$1 perm
  while [ "$dir" != "/" ]; do
    perm=$(stat -c %a "$dir")
    [ $(( ${perm: -1} & 1 )) -eq 1 ] || return 1
    dir=$(dirname "$dir")
  done
}
if ! world_traversable "$DATA"; then
  FALLBACK=/var/lib/patternsync/$(printf '%s' "$ROOT" | md5sum | cut -c1-12)
  PG_DIR=$FALLBACK/postgres
  MQ_DIR=$FALLBACK/rabbitmq
fi
MQ_NODE=patternsync@localhost

log() { printf '[services] %s\n' "$*" >&2; }

as_user() { # run a command as a service account, keeping the environment it needs
  local user=$1; shift
  # From /, so the service user never starts in a folder it may not enter.
  if [ "$(id -un)" = "$user" ]; then (cd / && "$@"); else (cd / && runuser -u "$user" -- "$@"); fi
}

install_packages() {
  local missing=()
  [ -x "$PG_BIN/initdb" ] || missing+=(postgresql-15)
  [ -x /usr/lib/rabbitmq/bin/rabbitmq-server ] || missing+=(rabbitmq-server)
  [ ${#missing[@]} -eq 0 ] && return 0
  log "installing ${missing[*]} from Debian packages"
  export DEBIAN_FRONTEND=noninteractive
  if ! apt-get install -y --no-install-recommends "${missing[@]}" >"$DATA/apt.log" 2>&1; then
    apt-get update >>"$DATA/apt.log" 2>&1
    apt-get install -y --no-install-recommends "${missing[@]}" >>"$DATA/apt.log" 2>&1 \
      || { log "apt-get failed, see $DATA/apt.log"; exit 1; }
  fi
  # Debian starts the services it installs where it can; ours run on their own ports and data.
  pkill -f '^/usr/lib/erlang/.*rabbit@' 2>/dev/null || true
}

pg_running() { [ -f "$PG_DIR/data/postmaster.pid" ] && as_user postgres "$PG_BIN/pg_ctl" -D "$PG_DIR/data" status >/dev/null 2>&1; }

start_postgres() {
  mkdir -p "$PG_DIR/run"
  chown -R postgres:postgres "$PG_DIR"
  if pg_running; then log "PostgreSQL already running on 127.0.0.1:$PG_PORT"; return; fi
  if [ ! -f "$PG_DIR/data/PG_VERSION" ]; then
    as_user postgres "$PG_BIN/initdb" -D "$PG_DIR/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$PG_DIR/initdb.log"
  fi
  as_user postgres "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/postgres.log" -w -t 60 \
    -o "-p $PG_PORT -k $PG_DIR/run -c listen_addresses=127.0.0.1 -c max_connections=300 -c fsync=${PATTERNSYNC_PG_FSYNC:-on}" start >/dev/null
  log "PostgreSQL ready on 127.0.0.1:$PG_PORT (data $PG_DIR/data)"
}

stop_postgres() {
  if pg_running; then as_user postgres "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast -w stop >/dev/null; log "PostgreSQL stopped"; fi
}

mq_env() {
  export HOME=$MQ_DIR RABBITMQ_NODENAME=$MQ_NODE RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 \
    RABBITMQ_NODE_PORT=$MQ_PORT RABBITMQ_DIST_PORT=$MQ_DIST_PORT ERL_EPMD_PORT=$EPMD_PORT \
    ERL_EPMD_ADDRESS=127.0.0.1 RABBITMQ_MNESIA_BASE=$MQ_DIR/mnesia RABBITMQ_LOG_BASE=$MQ_DIR/log \
    RABBITMQ_PID_FILE=$MQ_DIR/rabbitmq.pid RABBITMQ_ENABLED_PLUGINS_FILE=$MQ_DIR/enabled_plugins \
    RABBITMQ_CONFIG_FILE=$MQ_DIR/rabbitmq
}

mq_ctl() { as_user rabbitmq env HOME="$HOME" ERL_EPMD_PORT="$EPMD_PORT" /usr/lib/rabbitmq/bin/rabbitmqctl -n "$MQ_NODE" "$@"; }

mq_running() { mq_env; [ -f "$MQ_DIR/rabbitmq.pid" ] && kill -0 "$(cat "$MQ_DIR/rabbitmq.pid")" 2>/dev/null; }

start_rabbitmq() {
  mkdir -p "$MQ_DIR/mnesia" "$MQ_DIR/log"
  if mq_running; then log "RabbitMQ already running on 127.0.0.1:$MQ_PORT"; return; fi
  mq_env
  # guest may connect over loopback only, which is all we listen on.
  printf 'loopback_users = none\nlisteners.tcp.default = 127.0.0.1:%s\n' "$MQ_PORT" >"$MQ_DIR/rabbitmq.conf"
  echo '[].' >"$MQ_DIR/enabled_plugins"
  chown -R rabbitmq:rabbitmq "$MQ_DIR"
  as_user rabbitmq env HOME="$HOME" RABBITMQ_NODENAME="$RABBITMQ_NODENAME" RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 \
    RABBITMQ_NODE_PORT="$MQ_PORT" RABBITMQ_DIST_PORT="$MQ_DIST_PORT" ERL_EPMD_PORT="$EPMD_PORT" \
    ERL_EPMD_ADDRESS=127.0.0.1 RABBITMQ_MNESIA_BASE="$RABBITMQ_MNESIA_BASE" RABBITMQ_LOG_BASE="$RABBITMQ_LOG_BASE" \
    RABBITMQ_PID_FILE="$RABBITMQ_PID_FILE" RABBITMQ_ENABLED_PLUGINS_FILE="$RABBITMQ_ENABLED_PLUGINS_FILE" \
    RABBITMQ_CONFIG_FILE="$RABBITMQ_CONFIG_FILE" \
    RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}" /usr/lib/rabbitmq/bin/rabbitmq-server -detached >"$MQ_DIR/start.log" 2>&1
  # await_startup gives up at once while the node is not yet registered with epmd: retry.
  local deadline=$((SECONDS + 90))
  until mq_ctl await_startup --timeout 10 >/dev/null 2>&1; do
    [ $SECONDS -lt $deadline ] || { log "RabbitMQ did not start; see $MQ_DIR/log"; exit 1; }
    sleep 1
  done
  log "RabbitMQ ready on 127.0.0.1:$MQ_PORT (data $MQ_DIR)"
}

stop_rabbitmq() {
  if mq_running; then
    local pid
    pid=$(cat "$MQ_DIR/rabbitmq.pid")
    # rabbitmqctl needs epmd; if that is gone, stop the broker by its PID instead of waiting forever.
    timeout 30 bash -c "$(declare -f as_user mq_ctl); HOME='$HOME' EPMD_PORT='$EPMD_PORT' MQ_NODE='$MQ_NODE' mq_ctl stop '$MQ_DIR/rabbitmq.pid'" >/dev/null 2>&1 \
      || kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    log "RabbitMQ stopped"
  fi
  # epmd outlives the broker; ours listens on our own port, so stop exactly that one.
  pkill -u rabbitmq -f "epmd.*-port $EPMD_PORT" 2>/dev/null || pkill -u rabbitmq -x epmd 2>/dev/null || true
}

print_env() {
  cat <<EOF
PATTERNSYNC_PG_PORT=$PG_PORT
PATTERNSYNC_RABBITMQ_PORT=$MQ_PORT
ConnectionStrings__Patterns=Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Database=patternsync
RabbitMq__Host=127.0.0.1
RabbitMq__Port=$MQ_PORT
RabbitMq__Username=guest
RabbitMq__Password=guest
EOF
}

status() {
  if pg_running; then echo "postgres: running on 127.0.0.1:$PG_PORT"; else echo "postgres: stopped"; fi
  if mq_running; then echo "rabbitmq: running on 127.0.0.1:$MQ_PORT"; else echo "rabbitmq: stopped"; fi
}

case "${1:-}" in
  start)
    [ "$(id -u)" = 0 ] || { log "run as root (it installs packages and starts services as their own users)"; exit 1; }
    install_packages
    start_postgres
    start_rabbitmq
    print_env | tee "$DATA/services.env"
    ;;
  stop) stop_rabbitmq; stop_postgres ;;
  stop-rabbitmq) stop_rabbitmq ;;
  start-rabbitmq) start_rabbitmq ;;
  stop-postgres) stop_postgres ;;
  start-postgres) start_postgres ;;
  status) status ;;
  env) print_env ;;
  *) echo "usage: $0 start|stop|status|env|stop-rabbitmq|start-rabbitmq|stop-postgres|start-postgres" >&2; exit 2 ;;
esac
