#!/usr/bin/env bash
# Test services for Meshcron: a private MariaDB, Redis and FerretDB (MongoDB
# wire protocol, SQLite backend) on 127.0.0.1, plus Debian's Chromium.
#
#   scripts/services.sh up      install what is missing, start what is not running
#   scripts/services.sh down    stop the three servers (data is kept)
#   scripts/services.sh status  one line per service (exit 1 if any is not up)
#   scripts/services.sh env     print the sourceable env file
#
# All state lives in <repo>/.services/ (git-ignored). `rm -rf .services` after
# `down` resets everything. See docs/testing.md.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SVC="$REPO/.services"
SECRETS="$SVC/secrets"
ENV_FILE="$SVC/env"

MYSQL_PORT=33306
REDIS_PORT=36379
MONGO_PORT=37017
CHROMIUM=/usr/bin/chromium

FERRETDB_VERSION=v1.24.2
FERRETDB_MODULE=github.com/FerretDB/FerretDB
CACHE_ROOT="${XDG_CACHE_HOME:-$HOME/.cache}/meshcron"
FERRETDB_CACHE_BIN="$CACHE_ROOT/ferretdb-$FERRETDB_VERSION/ferretdb"

MDB_DIR="$SVC/mariadb"
MDB_DATA="$MDB_DIR/data"
MDB_CNF="$MDB_DIR/my.cnf"
MDB_PID="$MDB_DIR/mariadbd.pid"
MDB_LOG="$MDB_DIR/mariadbd.log"
MDB_SOCK="$MDB_DIR/mysqld.sock"

REDIS_DIR="$SVC/redis"
REDIS_CONF="$REDIS_DIR/redis.conf"
REDIS_PID="$REDIS_DIR/redis.pid"
REDIS_LOG="$REDIS_DIR/redis.log"

FDB_DIR="$SVC/ferretdb"
FDB_PID="$FDB_DIR/ferretdb.pid"
FDB_LOG="$FDB_DIR/ferretdb.log"

MYSQL_PASSWORD_FILE="$SECRETS/mysql_password"
REDIS_PASSWORD_FILE="$SECRETS/redis_password"

export DEBIAN_FRONTEND=noninteractive
export DO_NOT_TRACK=1

log() { printf '[services] %s\n' "$*"; }
die() { printf '[services] ERROR: %s\n' "$*" >&2; exit 1; }

# Print the tail of a log file and fail.
fail_with_log() {
  local msg="$1" file="$2"
  printf '[services] ERROR: %s\n' "$msg" >&2
  if [[ -f "$file" ]]; then
    printf '[services] ---- last 30 lines of %s ----\n' "$file" >&2
    tail -n 30 "$file" >&2 || true
    printf '[services] ---- end of %s ----\n' "$file" >&2
  fi
  exit 1
}

# A UNIX socket path must fit in sun_path (108 bytes); fall back to /tmp for
# very deep checkouts.
if (( ${#MDB_SOCK} > 100 )); then
  MDB_SOCK="/tmp/meshcron-mysqld-$(printf '%s' "$REPO" | md5sum | cut -c1-12).sock"
fi

# ---------------------------------------------------------------- helpers ---

# is_ours PID COMM PATTERN: process PID is named COMM and its command line
# contains PATTERN (protects against pid reuse and foreign processes).
is_ours() {
  local pid="$1" comm="$2" pattern="$3" cmdline
  [[ "$(cat "/proc/$pid/comm" 2>/dev/null)" == "$comm" ]] || return 1
  cmdline="$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)" || return 1
  [[ "$cmdline" == *"$pattern"* ]]
}

# pid_alive PIDFILE COMM PATTERN: the pid in PIDFILE is alive and ours.
# Prints the pid.
pid_alive() {
  local file="$1" comm="$2" pattern="$3" pid
  [[ -s "$file" ]] || return 1
  pid="$(tr -dc '0-9' <"$file")"
  [[ -n "$pid" ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  is_ours "$pid" "$comm" "$pattern" || return 1
  printf '%s' "$pid"
}

# port_busy PORT: something accepts TCP connections on 127.0.0.1:PORT.
port_busy() {
  timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1" 2>/dev/null
}

port_owner() {
  if command -v ss >/dev/null 2>&1; then
    ss -ltnpH "sport = :$1" 2>/dev/null | head -n 3 || true
  fi
}

# adopt_orphan PIDFILE COMM PATTERN PORT: if PIDFILE is stale but the process
# listening on PORT is one of ours (see is_ours), e.g. after
# the pid file was lost, record its pid again instead of failing.
adopt_orphan() {
  local file="$1" comm="$2" pattern="$3" port="$4" pid
  pid_alive "$file" "$comm" "$pattern" >/dev/null && return 0
  command -v ss >/dev/null 2>&1 || return 0
  pid="$(ss -ltnpH "sport = :$port" 2>/dev/null | grep -o 'pid=[0-9]*' | head -n 1 | cut -d= -f2)" || true
  [[ -n "$pid" ]] || return 0
  if is_ours "$pid" "$comm" "$pattern"; then
    log "found our server on port $port without a valid pid file; adopting pid $pid"
    printf '%s\n' "$pid" >"$file"
  fi
}

ensure_port_free() {
  local port="$1" name="$2"
  if port_busy "$port"; then
    die "port 127.0.0.1:$port (for $name) is already in use by another process: $(port_owner "$port"). Stop it, then rerun."
  fi
}

# stop_pid PIDFILE COMM PATTERN NAME: TERM, wait up to 30 s, then KILL.
stop_pid() {
  local file="$1" comm="$2" pattern="$3" name="$4" pid i
  if pid="$(pid_alive "$file" "$comm" "$pattern")"; then
    log "stopping $name (pid $pid)"
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 300; i++)); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
      log "$name did not stop in 30 s, killing pid $pid"
      kill -KILL "$pid" 2>/dev/null || true
      sleep 0.5
    fi
  fi
  rm -f "$file"
}

# Random secret created once (hex: no quoting issues anywhere).
ensure_secret() {
  local file="$1"
  mkdir -p "$SECRETS"
  chmod 700 "$SECRETS"
  if [[ ! -s "$file" ]]; then
    (umask 077 && head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$file.tmp" && mv "$file.tmp" "$file")
  fi
  chmod 600 "$file"
}

# Run a command detached from this shell (own session, no inherited stdio,
# lock fds 8/9 closed so a daemon never holds our locks), print its pid.
spawn() {
  local logfile="$1"
  shift
  setsid "$@" >>"$logfile" 2>&1 </dev/null 8>&- 9>&- &
  printf '%s' "$!"
}

# ----------------------------------------------------------- apt packages ---

apt_install() {
  (($# > 0)) || return 0
  log "apt-get install $*"
  # Try with the existing package lists first; refresh them only if needed.
  if ! ls /var/lib/apt/lists/*_Packages* >/dev/null 2>&1 ||
    ! apt-get install -y -q -o DPkg::Lock::Timeout=300 "$@" >"$SVC/apt.log" 2>&1; then
    log "apt-get update"
    apt-get update -q -o DPkg::Lock::Timeout=300 >>"$SVC/apt.log" 2>&1 || fail_with_log "apt-get update failed" "$SVC/apt.log"
    apt-get install -y -q -o DPkg::Lock::Timeout=300 "$@" >>"$SVC/apt.log" 2>&1 ||
      fail_with_log "apt-get install $* failed" "$SVC/apt.log"
  fi
}

ensure_packages() {
  local missing=()
  if ! command -v mariadbd >/dev/null 2>&1 || ! command -v mariadb-install-db >/dev/null 2>&1; then
    missing+=(mariadb-server)
  fi
  if ! command -v mariadb >/dev/null 2>&1 || ! command -v mariadb-admin >/dev/null 2>&1; then
    missing+=(mariadb-client)
  fi
  if ! command -v redis-server >/dev/null 2>&1 || ! command -v redis-cli >/dev/null 2>&1; then
    missing+=(redis-server redis-tools)
  fi
  if [[ ! -x "$CHROMIUM" ]]; then
    missing+=(chromium)
  fi
  if ((${#missing[@]} > 0)); then
    [[ "$(id -u)" == 0 ]] || die "missing packages (${missing[*]}) and not root: install them first"
    apt_install "${missing[@]}"
  fi
}

# ---------------------------------------------------------------- MariaDB ---

mdb_write_cnf() {
  mkdir -p "$MDB_DIR/tmp"
  cat >"$MDB_CNF.tmp" <<EOF
# Generated by scripts/services.sh; private test instance.
# As root: mariadb --defaults-file=$MDB_CNF
[client]
socket=$MDB_SOCK
user=root

[mariadbd]
user=root
datadir=$MDB_DATA
tmpdir=$MDB_DIR/tmp
socket=$MDB_SOCK
port=$MYSQL_PORT
bind-address=127.0.0.1
pid-file=$MDB_PID
log-error=$MDB_LOG
skip-name-resolve
innodb_buffer_pool_size=256M
innodb_flush_log_at_trx_commit=2
character-set-server=utf8mb4
collation-server=utf8mb4_unicode_ci
max_connections=500
EOF
  mv "$MDB_CNF.tmp" "$MDB_CNF"
}

mdb_ping() {
  mariadb-admin --defaults-file="$MDB_CNF" --connect-timeout=2 ping >/dev/null 2>&1
}

mdb_sql() {
  mariadb --defaults-file="$MDB_CNF" --connect-timeout=5 --batch --skip-column-names
}

mdb_provision_user() {
  ensure_secret "$MYSQL_PASSWORD_FILE"
  local pw
  pw="$(cat "$MYSQL_PASSWORD_FILE")"
  log "mariadb: provisioning user meshcron (password in $MYSQL_PASSWORD_FILE)"
  # SQL goes through stdin: the password never appears in argv or output.
  mdb_sql <<EOF || fail_with_log "could not create the meshcron MariaDB user" "$MDB_LOG"
DROP USER IF EXISTS ''@'localhost';
CREATE USER IF NOT EXISTS 'meshcron'@'127.0.0.1' IDENTIFIED BY '$pw';
CREATE USER IF NOT EXISTS 'meshcron'@'localhost' IDENTIFIED BY '$pw';
ALTER USER 'meshcron'@'127.0.0.1' IDENTIFIED BY '$pw';
ALTER USER 'meshcron'@'localhost' IDENTIFIED BY '$pw';
GRANT ALL PRIVILEGES ON *.* TO 'meshcron'@'127.0.0.1' WITH GRANT OPTION;
GRANT ALL PRIVILEGES ON *.* TO 'meshcron'@'localhost' WITH GRANT OPTION;
FLUSH PRIVILEGES;
EOF
}

# The meshcron user can log in over TCP with the stored password.
mdb_user_ok() {
  [[ -s "$MYSQL_PASSWORD_FILE" ]] || return 1
  MYSQL_PWD="$(cat "$MYSQL_PASSWORD_FILE")" mariadb --no-defaults --protocol=TCP -h 127.0.0.1 -P "$MYSQL_PORT" \
    -u meshcron --connect-timeout=3 --batch --skip-column-names -e 'SELECT 1' >/dev/null 2>&1
}

mariadb_up() {
  mkdir -p "$MDB_DIR"
  mdb_write_cnf
  adopt_orphan "$MDB_PID" mariadbd "$MDB_CNF" "$MYSQL_PORT"
  local pid
  if pid="$(pid_alive "$MDB_PID" mariadbd "$MDB_CNF")" && mdb_ping; then
    if ! mdb_user_ok; then
      mdb_provision_user
    fi
    log "mariadb already running (pid $pid, 127.0.0.1:$MYSQL_PORT)"
    return 0
  fi
  if [[ -n "${pid:-}" ]]; then
    log "mariadb (pid $pid) is not answering; restarting it"
  fi
  stop_pid "$MDB_PID" mariadbd "$MDB_CNF" mariadb
  ensure_port_free "$MYSQL_PORT" mariadb
  rm -f "$MDB_SOCK" "$MDB_SOCK.lock"

  if [[ ! -f "$MDB_DIR/.initialized" ]]; then
    log "initialising mariadb data dir $MDB_DATA"
    rm -rf "$MDB_DATA"
    mkdir -p "$MDB_DATA"
    mariadb-install-db --defaults-file="$MDB_CNF" --auth-root-authentication-method=socket \
      --skip-test-db --skip-name-resolve >"$MDB_DIR/install-db.log" 2>&1 ||
      fail_with_log "mariadb-install-db failed" "$MDB_DIR/install-db.log"
    touch "$MDB_DIR/.initialized"
  fi

  log "starting mariadb on 127.0.0.1:$MYSQL_PORT"
  : >>"$MDB_LOG"
  pid="$(spawn "$MDB_LOG" mariadbd --defaults-file="$MDB_CNF")"
  local i
  for ((i = 0; i < 600; i++)); do
    if mdb_ping; then break; fi
    kill -0 "$pid" 2>/dev/null || fail_with_log "mariadb exited during start-up" "$MDB_LOG"
    sleep 0.1
  done
  mdb_ping || fail_with_log "mariadb did not answer within 60 s" "$MDB_LOG"
  printf '%s\n' "$pid" >"$MDB_PID"
  mdb_provision_user
  mdb_user_ok || fail_with_log "meshcron user cannot log in over TCP" "$MDB_LOG"
  log "mariadb up (pid $pid)"
}

# ------------------------------------------------------------------ Redis ---

redis_write_conf() {
  ensure_secret "$REDIS_PASSWORD_FILE"
  mkdir -p "$REDIS_DIR"
  (
    umask 077
    cat >"$REDIS_CONF.tmp" <<EOF
# Generated by scripts/services.sh; private test instance.
bind 127.0.0.1
port $REDIS_PORT
protected-mode yes
daemonize yes
pidfile $REDIS_PID
logfile $REDIS_LOG
dir $REDIS_DIR
save ""
appendonly no
databases 64
requirepass $(cat "$REDIS_PASSWORD_FILE")
EOF
    mv "$REDIS_CONF.tmp" "$REDIS_CONF"
  )
}

redis_ping() {
  local out
  out="$(REDISCLI_AUTH="$(cat "$REDIS_PASSWORD_FILE")" timeout 3 redis-cli --no-auth-warning \
    -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null)" || return 1
  [[ "$out" == PONG ]]
}

redis_up() {
  redis_write_conf
  adopt_orphan "$REDIS_PID" redis-server "127.0.0.1:$REDIS_PORT" "$REDIS_PORT"
  local pid
  if pid="$(pid_alive "$REDIS_PID" redis-server "127.0.0.1:$REDIS_PORT")" && redis_ping; then
    log "redis already running (pid $pid, 127.0.0.1:$REDIS_PORT)"
    return 0
  fi
  if [[ -n "${pid:-}" ]]; then
    log "redis (pid $pid) is not answering with the stored password; restarting it"
  fi
  stop_pid "$REDIS_PID" redis-server "127.0.0.1:$REDIS_PORT" redis
  ensure_port_free "$REDIS_PORT" redis
  log "starting redis on 127.0.0.1:$REDIS_PORT"
  : >>"$REDIS_LOG"
  redis-server "$REDIS_CONF" >>"$REDIS_LOG" 2>&1 </dev/null 8>&- 9>&- ||
    fail_with_log "redis-server failed to start" "$REDIS_LOG"
  local i
  for ((i = 0; i < 100; i++)); do
    redis_ping && break
    sleep 0.1
  done
  redis_ping || fail_with_log "redis did not answer within 10 s" "$REDIS_LOG"
  pid="$(pid_alive "$REDIS_PID" redis-server "127.0.0.1:$REDIS_PORT")" || fail_with_log "redis pid file missing" "$REDIS_LOG"
  log "redis up (pid $pid)"
}

# --------------------------------------------------------------- FerretDB ---

ferretdb_version_ok() {
  [[ -x "$1" ]] && "$1" --version 2>/dev/null | grep -q "version: $FERRETDB_VERSION\$"
}

# Prints the path of a usable FerretDB binary, building it if needed.
ferretdb_binary() {
  local candidate gopath=""
  if [[ -n "${MESHCRON_FERRETDB_BIN:-}" ]] && ferretdb_version_ok "$MESHCRON_FERRETDB_BIN"; then
    printf '%s' "$MESHCRON_FERRETDB_BIN"
    return 0
  fi
  if ferretdb_version_ok "$FERRETDB_CACHE_BIN"; then
    printf '%s' "$FERRETDB_CACHE_BIN"
    return 0
  fi
  if command -v go >/dev/null 2>&1; then
    gopath="$(go env GOPATH 2>/dev/null | cut -d: -f1)"
    candidate="$gopath/bin/ferretdb"
    if [[ -n "$gopath" ]] && ferretdb_version_ok "$candidate"; then
      printf '%s' "$candidate"
      return 0
    fi
  fi
  ferretdb_build >&2
  printf '%s' "$FERRETDB_CACHE_BIN"
}

ferretdb_build() {
  command -v go >/dev/null 2>&1 || die "the Go toolchain (>= 1.24) is needed to build FerretDB $FERRETDB_VERSION"
  local build_log="$CACHE_ROOT/ferretdb-build.log" dir
  mkdir -p "$(dirname "$FERRETDB_CACHE_BIN")"
  # Serialise concurrent builds (e.g. two checkouts on one machine).
  exec 8>"$CACHE_ROOT/ferretdb-build.lock"
  flock 8
  if ferretdb_version_ok "$FERRETDB_CACHE_BIN"; then
    exec 8>&-
    return 0
  fi
  log "building FerretDB $FERRETDB_VERSION (first time only, a few minutes; log: $build_log)"
  local start=$SECONDS
  # `go install ...@version` fails here (the proxy refuses @v/list for the
  # deprecation check); `go mod download` + `go build` in the module works.
  dir="$(go mod download -json "$FERRETDB_MODULE@$FERRETDB_VERSION" 2>"$build_log" |
    sed -n 's/^[[:space:]]*"Dir":[[:space:]]*"\(.*\)",\{0,1\}$/\1/p' | head -n 1)"
  [[ -n "$dir" && -d "$dir" ]] || fail_with_log "go mod download $FERRETDB_MODULE@$FERRETDB_VERSION failed" "$build_log"
  # The module zip lacks the generated build/version/version.txt, without
  # which the binary panics at start-up: build from a writable copy that has it.
  local src="$CACHE_ROOT/ferretdb-src-$FERRETDB_VERSION"
  rm -rf "$src"
  cp -R "$dir" "$src"
  chmod -R u+w "$src"
  printf '%s\n' "$FERRETDB_VERSION" >"$src/build/version/version.txt"
  printf 'meshcron-test\n' >"$src/build/version/package.txt"
  if ! (cd "$src" && GOFLAGS="${GOFLAGS:-} -buildvcs=false" go build -trimpath -o "$FERRETDB_CACHE_BIN.tmp" ./cmd/ferretdb) >>"$build_log" 2>&1; then
    log "go build failed; retrying with GOFLAGS=-mod=mod"
    (cd "$src" && GOFLAGS="-mod=mod -buildvcs=false" go build -trimpath -o "$FERRETDB_CACHE_BIN.tmp" ./cmd/ferretdb) >>"$build_log" 2>&1 ||
      fail_with_log "building FerretDB failed" "$build_log"
  fi
  mv -f "$FERRETDB_CACHE_BIN.tmp" "$FERRETDB_CACHE_BIN"
  rm -rf "$src"
  ferretdb_version_ok "$FERRETDB_CACHE_BIN" || fail_with_log "built FerretDB does not report $FERRETDB_VERSION" "$build_log"
  log "FerretDB built in $((SECONDS - start)) s: $FERRETDB_CACHE_BIN"
  exec 8>&-
}

# MongoDB wire-protocol ping (OP_MSG {ping: 1, $db: "admin"}) in plain Node,
# so it does not depend on node_modules being installed.
mongo_ping() {
  timeout 5 node - "$MONGO_PORT" <<'EOF' >/dev/null 2>&1
const net = require('node:net');
const port = Number(process.argv[2]);
const bson = (() => {
  const parts = [Buffer.from([0x10]), Buffer.from('ping\0'), Buffer.alloc(4),
    Buffer.from([0x02]), Buffer.from('$db\0'), Buffer.alloc(4), Buffer.from('admin\0'), Buffer.from([0])];
  parts[2].writeInt32LE(1);
  parts[5].writeInt32LE(6);
  const body = Buffer.concat(parts);
  const len = Buffer.alloc(4);
  len.writeInt32LE(body.length + 4);
  return Buffer.concat([len, body]);
})();
const header = Buffer.alloc(16);
header.writeInt32LE(16 + 4 + 1 + bson.length, 0);
header.writeInt32LE(1, 4);
header.writeInt32LE(0, 8);
header.writeInt32LE(2013, 12);
const msg = Buffer.concat([header, Buffer.alloc(4), Buffer.from([0]), bson]);
const okOne = Buffer.concat([Buffer.from([0x01]), Buffer.from('ok\0'), Buffer.from([0, 0, 0, 0, 0, 0, 0xf0, 0x3f])]);
const sock = net.connect(port, '127.0.0.1', () => sock.write(msg));
let buf = Buffer.alloc(0);
sock.on('data', (d) => {
  buf = Buffer.concat([buf, d]);
  if (buf.length >= 4 && buf.length >= buf.readInt32LE(0)) {
    sock.destroy();
    process.exit(buf.includes(okOne) ? 0 : 1);
  }
});
sock.on('error', () => process.exit(1));
setTimeout(() => process.exit(1), 4000);
EOF
}

ferretdb_up() {
  mkdir -p "$FDB_DIR/data" "$FDB_DIR/state" "$SVC/bin"
  adopt_orphan "$FDB_PID" ferretdb "$FDB_DIR/data" "$MONGO_PORT"
  local pid
  if pid="$(pid_alive "$FDB_PID" ferretdb "$FDB_DIR/data")" && mongo_ping; then
    log "ferretdb already running (pid $pid, 127.0.0.1:$MONGO_PORT)"
    return 0
  fi
  if [[ -n "${pid:-}" ]]; then
    log "ferretdb (pid $pid) is not answering; restarting it"
  fi
  local bin
  bin="$(ferretdb_binary)"
  ln -sfn "$bin" "$SVC/bin/ferretdb"
  stop_pid "$FDB_PID" ferretdb "$FDB_DIR/data" ferretdb
  ensure_port_free "$MONGO_PORT" ferretdb
  log "starting ferretdb $FERRETDB_VERSION on 127.0.0.1:$MONGO_PORT"
  : >>"$FDB_LOG"
  # Started through the symlink so that the process is named "ferretdb".
  # synchronous(normal): commits go to SQLite's WAL without an fsync each (the WAL is synced at
  # checkpoints), the same "survives a process crash, not an OS crash" choice as MariaDB's
  # innodb_flush_log_at_trx_commit=2 above and closer to MongoDB's default w:1 acknowledgement.
  # With SQLite's default (FULL) every lock write waits for an fsync, and on this VM's disk an fsync
  # now and then takes 0.1-1 s, which is the disk's latency, not the scheduler's.
  pid="$(spawn "$FDB_LOG" env DO_NOT_TRACK=1 FERRETDB_TELEMETRY=disable "$SVC/bin/ferretdb" \
    --handler=sqlite \
    --sqlite-url="file:$FDB_DIR/data/?_pragma=synchronous(normal)" \
    --state-dir="$FDB_DIR/state" \
    --listen-addr="127.0.0.1:$MONGO_PORT" \
    --telemetry=disable \
    --debug-addr=- \
    --log-level=warn)"
  printf '%s\n' "$pid" >"$FDB_PID"
  local i
  for ((i = 0; i < 300; i++)); do
    mongo_ping && break
    kill -0 "$pid" 2>/dev/null || fail_with_log "ferretdb exited during start-up" "$FDB_LOG"
    sleep 0.1
  done
  mongo_ping || fail_with_log "ferretdb did not answer a ping within 30 s" "$FDB_LOG"
  log "ferretdb up (pid $pid)"
}

# ------------------------------------------------------------------- env ---

write_env() {
  cat >"$ENV_FILE.tmp" <<EOF
# Generated by scripts/services.sh up; source it: . .services/env
export MESHCRON_TEST_MYSQL_HOST=127.0.0.1
export MESHCRON_TEST_MYSQL_PORT=$MYSQL_PORT
export MESHCRON_TEST_MYSQL_USER=meshcron
export MESHCRON_TEST_MYSQL_PASSWORD_FILE=$MYSQL_PASSWORD_FILE
export MESHCRON_TEST_MONGO_URL=mongodb://127.0.0.1:$MONGO_PORT/
export MESHCRON_TEST_REDIS_URL=redis://127.0.0.1:$REDIS_PORT
export MESHCRON_TEST_REDIS_PASSWORD_FILE=$REDIS_PASSWORD_FILE
export MESHCRON_TEST_CHROMIUM=$CHROMIUM
EOF
  mv "$ENV_FILE.tmp" "$ENV_FILE"
}

# -------------------------------------------------------------- commands ---

with_lock() {
  mkdir -p "$SVC"
  exec 9>"$SVC/.lock"
  flock -w 900 9 || die "another scripts/services.sh is still running (lock $SVC/.lock)"
}

cmd_up() {
  local start=$SECONDS
  with_lock
  ensure_packages
  mariadb_up
  redis_up
  ferretdb_up
  write_env
  log "all services up in $((SECONDS - start)) s; env: $ENV_FILE"
}

cmd_down() {
  with_lock
  adopt_orphan "$FDB_PID" ferretdb "$FDB_DIR/data" "$MONGO_PORT"
  adopt_orphan "$REDIS_PID" redis-server "127.0.0.1:$REDIS_PORT" "$REDIS_PORT"
  adopt_orphan "$MDB_PID" mariadbd "$MDB_CNF" "$MYSQL_PORT"
  # In parallel: each takes a second or two to shut down cleanly.
  stop_pid "$FDB_PID" ferretdb "$FDB_DIR/data" ferretdb &
  stop_pid "$REDIS_PID" redis-server "127.0.0.1:$REDIS_PORT" redis &
  stop_pid "$MDB_PID" mariadbd "$MDB_CNF" mariadb &
  wait
  rm -f "$MDB_SOCK" "$MDB_SOCK.lock"
  log "all services stopped (data kept in $SVC; rm -rf it to reset)"
}

cmd_status() {
  local pid rc=0
  if pid="$(pid_alive "$MDB_PID" mariadbd "$MDB_CNF")" && mdb_ping; then
    echo "mariadb:  up (pid $pid, 127.0.0.1:$MYSQL_PORT)"
  elif [[ -n "${pid:-}" ]]; then
    echo "mariadb:  not answering (pid $pid)"; rc=1
  else
    echo "mariadb:  down"; rc=1
  fi
  pid=""
  if [[ -s "$REDIS_PASSWORD_FILE" ]] && pid="$(pid_alive "$REDIS_PID" redis-server "127.0.0.1:$REDIS_PORT")" && redis_ping; then
    echo "redis:    up (pid $pid, 127.0.0.1:$REDIS_PORT)"
  elif [[ -n "${pid:-}" ]]; then
    echo "redis:    not answering (pid $pid)"; rc=1
  else
    echo "redis:    down"; rc=1
  fi
  pid=""
  if pid="$(pid_alive "$FDB_PID" ferretdb "$FDB_DIR/data")" && mongo_ping; then
    echo "ferretdb: up (pid $pid, 127.0.0.1:$MONGO_PORT)"
  elif [[ -n "${pid:-}" ]]; then
    echo "ferretdb: not answering (pid $pid)"; rc=1
  else
    echo "ferretdb: down"; rc=1
  fi
  if [[ -x "$CHROMIUM" ]]; then
    echo "chromium: installed ($CHROMIUM)"
  else
    echo "chromium: missing"; rc=1
  fi
  return "$rc"
}

cmd_env() {
  [[ -f "$ENV_FILE" ]] || die "$ENV_FILE does not exist: run scripts/services.sh up"
  cat "$ENV_FILE"
}

case "${1:-}" in
  up) cmd_up ;;
  down) cmd_down ;;
  status) cmd_status ;;
  env) cmd_env ;;
  *)
    echo "usage: $0 up | down | status | env" >&2
    exit 2
    ;;
esac
