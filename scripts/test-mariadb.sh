#!/usr/bin/env bash
# A private MariaDB server for the store tests and end-to-end tests.
#
#   scripts/test-mariadb.sh start  [DIR] [PORT]   initialise DIR if needed, start, wait, bootstrap
#   scripts/test-mariadb.sh stop   [DIR] [PORT]   clean shutdown (bounded), then kill; ok if not running
#   scripts/test-mariadb.sh url    [DIR] [PORT]   print mysql://cartrelay:PASS@127.0.0.1:PORT/cartrelay_test
#   scripts/test-mariadb.sh status [DIR] [PORT]   "running pid=N port=P" (exit 0) or "stopped" (exit 3)
#
# DIR defaults to ./build/mariadb-test (relative to the current directory). PORT defaults to
# the port DIR was last started on, else 33306.
# Everything lives in DIR: data/, the socket, the pid file, the error log and the generated
# password of the `cartrelay` user. The server listens on 127.0.0.1:PORT only and reads no
# option file (--no-defaults), so it never touches a system MariaDB. The `cartrelay` user may
# create and drop databases named cartrelay_test% (one fresh database per test).
#
# `start` prints nothing unless it fails; it is idempotent (an already running server is left
# alone). Works as root (the server then runs with --user=root) and as a normal user.
#
# Typical use:
#   scripts/test-mariadb.sh start
#   CARTRELAY_TEST_MYSQL_URL=$(scripts/test-mariadb.sh url) ctest --test-dir build -L mariadb
#   scripts/test-mariadb.sh stop
set -euo pipefail

readonly START_TIMEOUT_S=${CARTRELAY_MARIADB_START_TIMEOUT:-90}
readonly STOP_TIMEOUT_S=30
readonly APP_USER=cartrelay
readonly APP_DB=cartrelay_test

die() {
  echo "test-mariadb: $*" >&2
  exit 1
}

usage() {
  echo "usage: $0 start|stop|url|status [DIR] [PORT]" >&2
  exit 2
}

cmd=${1:-}
[[ -n "$cmd" ]] || usage
dir=${2:-./build/mariadb-test}
port=${3:-}

mkdir -p "$dir" 2>/dev/null || true
if [[ -d "$dir" ]]; then
  dir=$(cd "$dir" && pwd -P)
elif [[ "$cmd" == start ]]; then
  die "cannot create directory '$dir'"
fi

datadir="$dir/data"
socket="$dir/mysqld.sock"
pidfile="$dir/mysqld.pid"
logfile="$dir/mysqld.log"
pwfile="$dir/password"
portfile="$dir/port"

# Without an explicit PORT, use the one DIR was last started with (so `url DIR` and
# `stop DIR` find a server started with `start DIR PORT`), else 33306.
if [[ -z "$port" ]]; then
  if [[ -s "$portfile" ]]; then port=$(<"$portfile"); else port=33306; fi
fi
[[ "$port" =~ ^[0-9]+$ ]] && ((port > 0 && port < 65536)) || die "invalid port '$port'"

# A Unix socket path must fit in sun_path (108 bytes including the NUL).
((${#socket} < 108)) || die "socket path too long (${#socket} bytes): use a shorter DIR"

os_user=$(id -un)

server_pid() {
  [[ -s "$pidfile" ]] || return 1
  local pid
  pid=$(<"$pidfile")
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  echo "$pid"
}

# Admin client over the private socket, authenticated by unix_socket as the OS user.
admin_sql() {
  mariadb --no-defaults --protocol=SOCKET --socket="$socket" -u "$os_user" \
    --connect-timeout=5 --batch --skip-column-names "$@"
}

alive() {
  timeout 10 mariadb-admin --no-defaults --protocol=SOCKET --socket="$socket" -u "$os_user" \
    --connect-timeout=2 ping >/dev/null 2>&1
}

show_log() {
  if [[ -f "$logfile" ]]; then
    echo "--- last lines of $logfile ---" >&2
    tail -n 25 "$logfile" >&2
  fi
}

password() {
  [[ -s "$pwfile" ]] || die "no password file in $dir: run '$0 start $dir $port' first"
  cat "$pwfile"
}

initialise() {
  local user_args=()
  if ((EUID == 0)); then user_args=(--user=root); fi
  local out
  if ! out=$(mariadb-install-db --no-defaults --datadir="$datadir" --skip-test-db \
    --auth-root-authentication-method=socket --auth-root-socket-user="$os_user" \
    "${user_args[@]}" 2>&1); then
    echo "$out" >&2
    rm -rf "$datadir"
    die "mariadb-install-db failed"
  fi
}

bootstrap() {
  if [[ ! -s "$pwfile" ]]; then
    (umask 077 && od -An -N16 -tx1 /dev/urandom | tr -d ' \n' >"$pwfile")
  fi
  local pw
  pw=$(<"$pwfile")
  # Grant patterns treat '_' as a wildcard: escape it so only cartrelay_test% matches.
  admin_sql <<SQL || die "could not create user/database (see above)"
CREATE USER IF NOT EXISTS '$APP_USER'@'127.0.0.1' IDENTIFIED BY '$pw';
CREATE USER IF NOT EXISTS '$APP_USER'@'localhost' IDENTIFIED BY '$pw';
ALTER USER '$APP_USER'@'127.0.0.1' IDENTIFIED BY '$pw';
ALTER USER '$APP_USER'@'localhost' IDENTIFIED BY '$pw';
GRANT ALL PRIVILEGES ON \`cartrelay\\_test%\`.* TO '$APP_USER'@'127.0.0.1';
GRANT ALL PRIVILEGES ON \`cartrelay\\_test%\`.* TO '$APP_USER'@'localhost';
CREATE DATABASE IF NOT EXISTS \`$APP_DB\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;
SQL
}

do_start() {
  if pid=$(server_pid); then
    if alive; then
      [[ -s "$portfile" && "$(<"$portfile")" != "$port" ]] &&
        die "already running in $dir on port $(<"$portfile"), not $port"
      bootstrap
      return 0
    fi
  fi
  [[ -d "$datadir/mysql" ]] || initialise

  local user_args=()
  if ((EUID == 0)); then user_args=(--user=root); fi
  rm -f "$pidfile"
  echo "$port" >"$portfile"
  # setsid + closed stdio: the server outlives this script and any terminal.
  setsid mariadbd --no-defaults "${user_args[@]}" \
    --datadir="$datadir" --socket="$socket" --pid-file="$pidfile" --log-error="$logfile" \
    --port="$port" --bind-address=127.0.0.1 --skip-name-resolve \
    --character-set-server=utf8mb4 --collation-server=utf8mb4_bin \
    --innodb-buffer-pool-size=64M --innodb-log-file-size=32M --max-connections=200 \
    --skip-log-bin --performance-schema=OFF \
    </dev/null >/dev/null 2>&1 &
  local launcher=$!

  local deadline=$((SECONDS + START_TIMEOUT_S))
  while ((SECONDS < deadline)); do
    if alive; then
      bootstrap
      return 0
    fi
    if ! kill -0 "$launcher" 2>/dev/null && ! server_pid >/dev/null; then
      show_log
      die "mariadbd exited during start-up (port $port busy? see log above)"
    fi
    sleep 0.3
  done
  show_log
  die "mariadbd did not accept connections within ${START_TIMEOUT_S}s"
}

do_stop() {
  local pid
  pid=$(server_pid) || {
    rm -f "$pidfile"
    return 0
  }
  timeout "$STOP_TIMEOUT_S" mariadb-admin --no-defaults --protocol=SOCKET --socket="$socket" \
    -u "$os_user" --connect-timeout=5 shutdown >/dev/null 2>&1 || kill -TERM "$pid" 2>/dev/null || true
  local deadline=$((SECONDS + STOP_TIMEOUT_S))
  while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.2; done
  if kill -0 "$pid" 2>/dev/null; then
    echo "test-mariadb: clean shutdown timed out, killing pid $pid" >&2
    kill -KILL "$pid" 2>/dev/null || true
    while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
  fi
  rm -f "$pidfile"
}

case "$cmd" in
  start) do_start ;;
  stop) do_stop ;;
  url) echo "mysql://$APP_USER:$(password)@127.0.0.1:$port/$APP_DB" ;;
  status)
    if pid=$(server_pid) && alive; then
      echo "running pid=$pid port=$(cat "$portfile" 2>/dev/null || echo "$port") dir=$dir"
    else
      echo "stopped"
      exit 3
    fi
    ;;
  *) usage ;;
esac
