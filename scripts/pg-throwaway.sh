#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for tests and CI: initdb into a fresh temp folder, postgres on a free loopback port
# (its unix socket inside that folder, fsync off: the data is thrown away anyway), one database `edu` owned by the
# superuser `edu` with a random password. PostgreSQL refuses to run as root, so as root it runs as the system user
# `pgtest` (created once with useradd); as anyone else, as that user.
#
#   eval "$(scripts/pg-throwaway.sh start)"     # exports PG_THROWAWAY_DIR and PG_TEST_URL (postgres://edu:…@127.0.0.1:<port>/edu)
#   scripts/pg-throwaway.sh stop                # stops it and deletes the folder ($PG_THROWAWAY_DIR, or pass the folder)
#
# stdout of `start` is only the two export lines (made for eval); progress and errors go to stderr.
# PG_BIN overrides where the binaries are (default: the newest /usr/lib/postgresql/*/bin). PG_THROWAWAY_DURABLE=1 keeps
# PostgreSQL's default durability (fsync on), for measurements.
set -euo pipefail

MARKER=.pg-throwaway
RUN_AS=pgtest
started=0
dir=

die() {
  echo "pg-throwaway: $*" >&2
  exit 1
}

pg_bin() {
  if [ -n "${PG_BIN:-}" ]; then
    echo "$PG_BIN"
    return
  fi
  local found
  found=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  [ -n "$found" ] && [ -x "$found/initdb" ] || die "no PostgreSQL found in /usr/lib/postgresql/*/bin (apt-get install postgresql)"
  echo "$found"
}

# Runs a command as the cluster's owner: `pgtest` when we are root (created on first use), else ourselves.
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u "$RUN_AS" -- "$@"
  else
    "$@"
  fi
}

ensure_owner() {
  [ "$(id -u)" -eq 0 ] || return 0
  if ! id -u "$RUN_AS" >/dev/null 2>&1; then
    # Two CI jobs may race here: whichever useradd loses, the user exists afterwards.
    useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin "$RUN_AS" 2>/dev/null ||
      id -u "$RUN_AS" >/dev/null 2>&1 || die "could not create the system user $RUN_AS"
  fi
}

# A port nothing listens on right now (the kernel's pick); start retries if postgres loses a race for it.
free_port() {
  node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"
}

start() {
  local bin pw port attempt
  bin=$(pg_bin)
  ensure_owner
  dir=$(mktemp -d /tmp/pg-throwaway.XXXXXX)
  touch "$dir/$MARKER"
  # Whatever fails from here on (die included), leave nothing behind.
  trap '[ "$started" = 1 ] || stop_dir "$dir" >/dev/null 2>&1 || true' EXIT
  if [ "$(id -u)" -eq 0 ]; then chown -R "$RUN_AS:" "$dir"; fi
  chmod 700 "$dir"
  cd "$dir" # the owner may not be allowed into our working directory

  pw=$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')
  (umask 077 && printf '%s\n' "$pw" >"$dir/pw")
  if [ "$(id -u)" -eq 0 ]; then chown "$RUN_AS:" "$dir/pw"; fi
  # C locale: text sorts by bytes, as SQLite's BINARY collation does. Local connections only through the socket in
  # this 0700 folder (trust); TCP only on 127.0.0.1 and only with the password.
  if ! as_owner "$bin/initdb" -D "$dir/data" -U edu --pwfile="$dir/pw" --auth-local=trust --auth-host=scram-sha-256 \
    --encoding=UTF8 --locale=C --no-sync >"$dir/initdb.log" 2>&1; then
    cat "$dir/initdb.log" >&2
    die "initdb failed"
  fi
  rm -f "$dir/pw"

  # Tests throw the data away, so they skip durability; the bench (PG_THROWAWAY_DURABLE=1) pays what production pays.
  local durability="-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
  [ "${PG_THROWAWAY_DURABLE:-0}" = 1 ] && durability=""
  for attempt in 1 2 3 4 5; do
    port=$(free_port)
    if as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -w -t 30 -s \
      -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$dir $durability \
        -c max_connections=200" start >&2; then
      break
    fi
    [ "$attempt" -eq 5 ] && {
      tail -n 20 "$dir/postgres.log" >&2 || true
      die "postgres did not start"
    }
  done
  as_owner "$bin/createdb" -h "$dir" -p "$port" -U edu edu >&2

  printf '%s\n' "postgres://edu:$pw@127.0.0.1:$port/edu" >"$dir/url"
  started=1
  echo "pg-throwaway: PostgreSQL $("$bin/postgres" -V | awk '{print $3}') on 127.0.0.1:$port, folder $dir" >&2
  printf "export PG_THROWAWAY_DIR='%s'\n" "$dir"
  printf "export PG_TEST_URL='%s'\n" "postgres://edu:$pw@127.0.0.1:$port/edu"
}

stop_dir() {
  local dir=$1 bin
  [ -n "$dir" ] || die "stop: no folder (pass it, or set PG_THROWAWAY_DIR)"
  [ -d "$dir" ] || return 0
  # Never delete a folder this script did not make.
  [ -f "$dir/$MARKER" ] || die "stop: $dir is not a pg-throwaway folder"
  bin=$(pg_bin)
  cd /
  if [ -f "$dir/data/postmaster.pid" ]; then
    as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate -w -s stop >&2 || true
  fi
  rm -rf "$dir"
}

case "${1:-}" in
  start) start ;;
  stop) stop_dir "${2:-${PG_THROWAWAY_DIR:-}}" ;;
  *)
    echo "usage: $0 start | stop [folder]" >&2
    exit 2
    ;;
esac
