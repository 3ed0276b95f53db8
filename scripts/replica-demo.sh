#!/usr/bin/env bash
# Local demonstration of reads routed to a PostgreSQL streaming replica (docs/SCALING.md):
# starts its own primary (port 5440) and a streaming replica of it (port 5441) under a scratch
# directory, loads a county with `npm run gen`, runs the server with DATABASE_URL (primary) and
# DATABASE_REPLICA_URL (replica), and shows from the replica's own statement log that the member list
# was answered there while the login (a write) went to the primary. Cleans up after itself.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
BASE=${REPLICA_DEMO_DIR:-/tmp/zhtj-replica-demo}
P=5440
R=5441
APP_PORT=${APP_PORT:-3950}
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

server_pid=
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
  as_pg "$BIN/pg_ctl" -D "$BASE/replica" -m fast stop >/dev/null 2>&1 || true
  as_pg "$BIN/pg_ctl" -D "$BASE/primary" -m fast stop >/dev/null 2>&1 || true
}
trap cleanup EXIT

rm -rf "$BASE" && mkdir -p "$BASE" && chmod 777 "$BASE"
echo "== 主库：initdb，端口 $P"
as_pg "$BIN/initdb" -D "$BASE/primary" -U postgres --auth=trust >/dev/null
cat >>"$BASE/primary/postgresql.conf" <<CONF
port = $P
listen_addresses = '127.0.0.1'
unix_socket_directories = '$BASE'
wal_level = replica
max_wal_senders = 4
CONF
echo "host replication all 127.0.0.1/32 trust" >>"$BASE/primary/pg_hba.conf"
as_pg "$BIN/pg_ctl" -D "$BASE/primary" -l "$BASE/primary.log" -w start >/dev/null

echo "== 从库：pg_basebackup -R（流复制），端口 $R"
as_pg "$BIN/pg_basebackup" -h 127.0.0.1 -p $P -U postgres -D "$BASE/replica" -R -X stream
cat >>"$BASE/replica/postgresql.conf" <<CONF
port = $R
log_statement = 'all'
log_destination = 'stderr'
CONF
as_pg "$BIN/pg_ctl" -D "$BASE/replica" -l "$BASE/replica.log" -w start >/dev/null
psql -h 127.0.0.1 -p $P -U postgres -qAtc "SELECT '   复制状态：' || application_name || ' ' || state FROM pg_stat_replication"

echo "== 在主库生成一个区县的数据"
psql -h 127.0.0.1 -p $P -U postgres -qc "CREATE DATABASE zhtj"
export DATA_DIR="$BASE/data" ZHTJ_DATA_KEY=$(node -e "console.log(require('crypto').randomBytes(32).toString('base64'))")
DATABASE_URL="postgres://postgres@127.0.0.1:$P/zhtj" npx tsx scripts/gen.ts --scale county --members 5000 | tail -3
sleep 1 # the replica replays the load

echo "== 启动服务：写入走主库，列表/搜索/导出走从库"
[ -f dist/server.js ] || npm run --silent build
PORT=$APP_PORT DEMO_SEED=0 LOG_LEVEL=warn DATABASE_URL="postgres://postgres@127.0.0.1:$P/zhtj" \
  DATABASE_REPLICA_URL="postgres://postgres@127.0.0.1:$R/zhtj" node dist/server.js &
server_pid=$!
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$APP_PORT/api/health" >/dev/null && break; sleep 0.2; done

# The county admin logs in with the generator's published second factor (scripts/http-login.ts):
# an admin's session is not usable before it.
session=$(APP_PORT=$APP_PORT npx tsx -e "import('./scripts/http-login.ts').then(async ({ httpLogin }) => {
  const s = await httpLogin('http://127.0.0.1:' + process.env.APP_PORT, '339902199001010233', 'Bench@2026zj');
  console.log(s.orgId + ' ' + s.cookie);
})")
org=${session%% *}
cookie=${session#* }
mark=$(wc -l <"$BASE/replica.log")
total=$(curl -fs -H "cookie: $cookie" -H "x-org-id: $org" "http://127.0.0.1:$APP_PORT/api/members?page=1&pageSize=5" | node -e "let s='';process.stdin.on('data',d=>s+=d).on('end',()=>console.log(JSON.parse(s).total))")
echo "   团员列表（县团委）：共 $total 名"
if tail -n +"$mark" "$BASE/replica.log" | grep -q 'from "members"'; then
  echo "✓ 团员列表的查询出现在从库的语句日志中（端口 $R）"
else
  echo "✗ 从库日志中没有团员列表的查询" >&2
  exit 1
fi
if tail -n +"$mark" "$BASE/replica.log" | grep -qi 'insert into\|update "'; then
  echo "✗ 从库收到了写语句" >&2
  exit 1
fi
echo "✓ 从库没有收到写语句（登录、会话写入都在主库）"
