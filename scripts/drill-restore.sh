#!/usr/bin/env bash
# npm run drill:restore — the backup and restore drill (issue 7/7, MLPS 8.1.4.10): backs up the
# database of DATABASE_URL with scripts/backup.sh (key copied to a separate directory), restores it
# with scripts/restore.sh into a scratch database on the same server, compares the row count of every
# table, checks the restored data decrypts with the backed-up key, runs `npm run audit:verify` on the
# restored database when that command exists, and drops the scratch database (KEEP_RESTORED=1 keeps it).
#
#   DATABASE_URL=postgres://postgres@127.0.0.1:5432/zhtj npm run drill:restore
#
# Row counts are compared with the source after the dump: run it on a quiet database (a replica or a
# copy), or counts written between the dump and the count will show as differences.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd -P)"
: "${DATABASE_URL:?DATABASE_URL (the database to drill) is required}"

work="$(mktemp -d "${TMPDIR:-/tmp}/zhtj-drill-XXXXXX")"
scratch="zhtj_restore_drill_$(date -u +%s)_$$"
restored_url="$(node -e 'const u = new URL(process.argv[1]); u.pathname = "/" + process.argv[2]; console.log(u.toString())' "$DATABASE_URL" "$scratch")"
cleanup() {
  if [[ "${KEEP_RESTORED:-}" != "1" ]]; then
    psql "$DATABASE_URL" -Xq -c "DROP DATABASE IF EXISTS \"$scratch\" WITH (FORCE)" >/dev/null 2>&1 || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

started=$(date +%s)
BACKUP_DIR="$work/db" KEY_BACKUP_DIR="$work/keys" bash "$here/backup.sh"
dump="$(ls "$work"/db/*.dump)"
key_file="$(ls "$work"/keys/*.key 2>/dev/null | head -n1 || true)"
restore_env=()
[[ -n "$key_file" ]] && restore_env=(ZHTJ_DATA_KEY_FILE="$key_file")
env "${restore_env[@]}" ZHTJ_DATA_KEY= bash "$here/restore.sh" "$dump" "$scratch"

# Exact row counts of every table in every application schema, one line per table.
count_sql="SELECT format('%s.%s %s', table_schema, table_name,
  (xpath('/row/c/text()', query_to_xml(format('SELECT count(*) AS c FROM %I.%I', table_schema, table_name), false, true, '')))[1]::text)
  FROM information_schema.tables
  WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema')
  ORDER BY table_schema, table_name"
psql "$DATABASE_URL" -XAtq -c "$count_sql" > "$work/source.counts"
psql "$restored_url" -XAtq -c "$count_sql" > "$work/restored.counts"
tables=$(wc -l < "$work/source.counts")
rows=$(awk '{ s += $2 } END { print s + 0 }' "$work/source.counts")
if ! diff -u "$work/source.counts" "$work/restored.counts"; then
  echo "演练失败：恢复后的行数与源数据库不一致（见上）" >&2
  exit 1
fi
echo "行数一致：$tables 张表，共 $rows 行"

# The restored personal data is readable with the backed-up key (the key and the dump belong together).
if [[ -n "$key_file" ]]; then
  DRILL_URL="$restored_url" ZHTJ_DATA_KEY_FILE="$key_file" npx tsx "$here/drill-decrypt.ts"
fi

if node -e 'process.exit(require(process.argv[1]).scripts?.["audit:verify"] ? 0 : 1)' "$here/../package.json"; then
  DATABASE_URL="$restored_url" npm run --silent audit:verify
  echo "审计日志校验通过（恢复后的数据库）"
else
  echo "（本版本没有 npm run audit:verify，跳过审计链校验）"
fi
echo "恢复演练通过，用时 $(( $(date +%s) - started )) s"
