#!/usr/bin/env bash
# Installs (when missing) and starts the real servers the scale-out tests use, on loopback only:
# Redis (Celery broker) and PostgreSQL (job store). Prints `export` lines for the test run:
#   eval "$(scripts/test-services.sh start)"   ...   scripts/test-services.sh stop
# State lives under $VT_SERVICES_DIR (default: /tmp/vt-test-services), removed by `stop`.
set -euo pipefail

dir="${VT_SERVICES_DIR:-/tmp/vt-test-services}"
redis_port="${VT_TEST_REDIS_PORT:-6390}"
pg_port="${VT_TEST_PG_PORT:-5440}"

install_missing() {
  local missing=()
  command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "Installing ${missing[*]}" >&2
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

pg_bin() { ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1; }

start() {
  install_missing
  mkdir -p "$dir"
  redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no \
    --daemonize yes --pidfile "$dir/redis.pid" --logfile "$dir/redis.log" >&2
  local bin; bin=$(pg_bin)
  local pgdata="$dir/pgdata"
  chown postgres "$dir"
  if [ ! -d "$pgdata" ]; then
    su postgres -s /bin/sh -c "$bin/initdb -D $pgdata -U postgres --auth=trust -E UTF8" >/dev/null
  fi
  su postgres -s /bin/sh -c "$bin/pg_ctl -D $pgdata -o '-p $pg_port -k $dir -c listen_addresses=127.0.0.1' -l $dir/pg.log -w start" >&2
  for _ in $(seq 1 50); do
    redis-cli -p "$redis_port" ping >/dev/null 2>&1 && break
    sleep 0.1
  done
  echo "export VT_TEST_REDIS_URL=redis://127.0.0.1:$redis_port/0"
  echo "export VT_TEST_POSTGRES_URL=postgresql+psycopg://postgres@127.0.0.1:$pg_port/postgres"
}

stop() {
  local bin; bin=$(pg_bin 2>/dev/null || true)
  [ -f "$dir/redis.pid" ] && kill "$(cat "$dir/redis.pid")" 2>/dev/null || true
  if [ -n "$bin" ] && [ -d "$dir/pgdata" ]; then
    su postgres -s /bin/sh -c "$bin/pg_ctl -D $dir/pgdata -m fast stop" >/dev/null 2>&1 || true
  fi
  rm -rf "$dir"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
