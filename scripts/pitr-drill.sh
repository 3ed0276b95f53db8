#!/usr/bin/env bash
# npm run drill:pitr — proves the point-in-time recovery set-up of docs/OPERATIONS.md on a private,
# throw-away PostgreSQL cluster (initdb in a temp directory, port PITR_PORT, default 3742): WAL
# archiving on, a base backup with pg_basebackup, writes before and after a chosen instant, then a
# recovery to recovery_target_time from the base backup and the archive. It ends with the rows written
# up to that instant and none after. Needs the PostgreSQL server binaries (PG_BIN); as root it runs
# itself as the `postgres` user (initdb refuses root).
set -euo pipefail
PG_BIN="${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)}"
PORT="${PITR_PORT:-3742}"
if [[ "$(id -u)" == "0" ]]; then
  exec runuser -u postgres -- env PG_BIN="$PG_BIN" PITR_PORT="$PORT" bash "$(readlink -f "$0")"
fi
export PATH="$PG_BIN:$PATH"
work="$(mktemp -d /tmp/zhtj-pitr-XXXXXX)"
primary="$work/primary" archive="$work/wal-archive" base="$work/base" restored="$work/restored"
mkdir -p "$archive"
stop() { pg_ctl -D "$1" -m immediate stop >/dev/null 2>&1 || true; }
trap 'stop "$primary"; stop "$restored"; rm -rf "$work"' EXIT
sqlp() { psql -h "$work" -p "$PORT" -XAtq -v ON_ERROR_STOP=1 -d postgres -c "$1"; }

initdb -D "$primary" -A trust -U postgres >/dev/null
# The set-up of docs/OPERATIONS.md, "Point-in-time recovery".
cat >> "$primary/postgresql.conf" <<CONF
port = $PORT
listen_addresses = ''
unix_socket_directories = '$work'
wal_level = replica
archive_mode = on
archive_command = 'test ! -f $archive/%f && cp %p $archive/%f'
archive_timeout = 60
CONF
pg_ctl -D "$primary" -l "$work/primary.log" -w start >/dev/null

sqlp "CREATE TABLE drill (n int PRIMARY KEY, at timestamptz NOT NULL DEFAULT clock_timestamp())"
sqlp "INSERT INTO drill (n) SELECT generate_series(1, 1000)"
pg_basebackup -h "$work" -p "$PORT" -U postgres -D "$base" -Ft -z -Xs -c fast
sqlp "INSERT INTO drill (n) SELECT generate_series(1001, 2000)"
sleep 1
target="$(sqlp "SELECT clock_timestamp()")"
sleep 1
sqlp "INSERT INTO drill (n) SELECT generate_series(2001, 3000)"   # the 'mistake' after the target
sqlp "SELECT pg_switch_wal()" >/dev/null
# wait until the segment holding the last writes is archived
for _ in $(seq 1 50); do
  [[ "$(sqlp "SELECT last_failed_wal IS NULL AND archived_count > 0 FROM pg_stat_archiver")" == "t" ]] && [[ -z "$(ls "$primary/pg_wal/archive_status/" | grep '\.ready$' || true)" ]] && break
  sleep 0.2
done
stop "$primary"

# Recovery: base backup + archived WAL up to the target time (docs/OPERATIONS.md, step by step).
mkdir -p "$restored" && chmod 700 "$restored"
tar -xzf "$base/base.tar.gz" -C "$restored"
tar -xzf "$base/pg_wal.tar.gz" -C "$restored/pg_wal"
cat >> "$restored/postgresql.conf" <<CONF
archive_mode = off
restore_command = 'cp $archive/%f %p'
recovery_target_time = '$target'
recovery_target_action = 'promote'
CONF
touch "$restored/recovery.signal"
pg_ctl -D "$restored" -l "$work/restored.log" -w -t 120 start >/dev/null
for _ in $(seq 1 100); do [[ "$(sqlp "SELECT pg_is_in_recovery()")" == "f" ]] && break; sleep 0.2; done
got="$(sqlp "SELECT count(*) || ' ' || max(n) FROM drill")"
echo "恢复到 $target：表中 $got（期望 2000 行，最大 2000）"
[[ "$got" == "2000 2000" ]] || { echo "时间点恢复演练失败" >&2; tail -n 20 "$work/restored.log" >&2; exit 1; }
echo "时间点恢复演练通过"
