#!/usr/bin/env bash
# A throwaway PostgreSQL for the server tests: a cluster in a temp folder, reached only through a
# Unix socket in that folder (no TCP listener), with a template database the tests copy one
# database each from.
#   scripts/postgres-test-server.sh start   # prints the socket folder (CASEVAULT_TEST_POSTGRES)
#   scripts/postgres-test-server.sh stop DIR
# initdb refuses to run as root, so as root the cluster belongs to the `postgres` user.
set -euo pipefail
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[[ -x $bin/initdb ]] || { echo "postgres-test-server: PostgreSQL is not installed (scripts/install-deps.sh installs it)" >&2; exit 1; }
as_owner=()
[[ $(id -u) -eq 0 ]] && as_owner=(runuser -u postgres --)

case ${1:-} in
start)
  dir=$(mktemp -d /tmp/casevault-pg.XXXXXX)
  chmod 0755 "$dir"
  [[ $(id -u) -eq 0 ]] && chown postgres "$dir"
  "${as_owner[@]}" "$bin/initdb" -D "$dir/data" -U postgres --auth=trust --no-sync -E UTF8 >"$dir/initdb.log" 2>&1 \
    || { cat "$dir/initdb.log" >&2; exit 1; }
  # Fast and throwaway: no fsync; sockets in the cluster's own folder; no TCP at all.
  "${as_owner[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -s \
    -o "-c listen_addresses='' -c unix_socket_directories='$dir' -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" start \
    || { cat "$dir/server.log" >&2; exit 1; }
  "$bin/psql" -h "$dir" -U postgres -d postgres -q -c "CREATE DATABASE casevault_template" >/dev/null
  echo "$dir"
  ;;
stop)
  dir=${2:?usage: $0 stop DIR}
  [[ -d $dir/data ]] && "${as_owner[@]}" "$bin/pg_ctl" -D "$dir/data" -m immediate -w -s stop || true
  rm -rf "$dir"
  ;;
*)
  echo "usage: $0 start | stop DIR" >&2; exit 64 ;;
esac
