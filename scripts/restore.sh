#!/usr/bin/env bash
# npm run restore -- <dump> <database> — restores a backup of scripts/backup.sh into a NEW database
# on the server of DATABASE_URL (issue 7/7). It refuses an existing database: restore next to the live
# one, check it (scripts/drill-restore.sh does), then switch the application's DATABASE_URL over.
#
#   DATABASE_URL=postgres://postgres@db:5432/postgres scripts/restore.sh backups/zhtj-…dump zhtj_restored
#
# Checks the dump's .sha256 when present, and — when ZHTJ_DATA_KEY or ZHTJ_DATA_KEY_FILE is set — that
# the key matches the fingerprint in the .manifest (the wrong key would make every ID number unreadable).
# RESTORE_NO_ACL=1 skips GRANTs (a server without the original roles).
set -euo pipefail

dump="${1:?usage: restore.sh <dump file> <new database name>}"
target="${2:?usage: restore.sh <dump file> <new database name>}"
: "${DATABASE_URL:?DATABASE_URL (any database on the target server, for the connection) is required}"
[[ "$target" =~ ^[a-z_][a-z0-9_]*$ ]] || { echo "数据库名只能包含小写字母、数字和下划线：$target" >&2; exit 2; }
[[ -f "$dump" ]] || { echo "找不到备份文件：$dump" >&2; exit 2; }

if [[ -f "$dump.sha256" ]]; then
  (cd "$(dirname "$dump")" && sha256sum --check --status "$(basename "$dump").sha256") || { echo "备份文件校验失败（sha256 不符）：$dump" >&2; exit 4; }
fi
if [[ -f "$dump.manifest" ]]; then
  want="$(sed -n 's/^data_key_fingerprint=//p' "$dump.manifest")"
  key_b64=""
  if [[ -n "${ZHTJ_DATA_KEY:-}" ]]; then key_b64="$ZHTJ_DATA_KEY"; elif [[ -n "${ZHTJ_DATA_KEY_FILE:-}" ]]; then key_b64="$(tr -d '[:space:]' < "$ZHTJ_DATA_KEY_FILE")"; fi
  if [[ -n "$key_b64" && -n "$want" && "$want" != "unknown" ]]; then
    have="$(printf '%s' "$key_b64" | base64 -d | sha256sum | cut -c1-16)"
    [[ "$have" == "$want" ]] || { echo "数据密钥与备份不符（指纹 $have，备份时为 $want）" >&2; exit 5; }
    echo "数据密钥指纹相符：$have"
  fi
fi

# $target matched the name pattern above, so it can stand in the SQL text.
exists="$(psql "$DATABASE_URL" -XAtq -c "SELECT 1 FROM pg_database WHERE datname = '$target'")"
[[ -z "$exists" ]] || { echo "拒绝：数据库 $target 已存在。恢复只写入新数据库。" >&2; exit 3; }
psql "$DATABASE_URL" -Xq -v ON_ERROR_STOP=1 -c "CREATE DATABASE \"$target\""

url="$(node -e 'const u = new URL(process.argv[1]); u.pathname = "/" + process.argv[2]; console.log(u.toString())' "$DATABASE_URL" "$target")"
acl=()
[[ "${RESTORE_NO_ACL:-}" == "1" ]] && acl=(--no-acl)
pg_restore --exit-on-error --no-owner "${acl[@]}" --jobs="${RESTORE_JOBS:-2}" --dbname="$url" "$dump"
psql "$url" -XAtq -c 'ANALYZE' >/dev/null
echo "已恢复到数据库 $target"
