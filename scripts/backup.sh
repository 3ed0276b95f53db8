#!/usr/bin/env bash
# npm run backup — a logical backup of the PostgreSQL database (issue 7/7, MLPS 8.1.4.9/10).
#
#   DATABASE_URL=postgres://…/zhtj BACKUP_DIR=/backup/db KEY_BACKUP_DIR=/secure/keys scripts/backup.sh
#
# Writes BACKUP_DIR/zhtj-<db>-<UTC time>.dump (pg_dump custom format: compressed, restorable table by
# table with pg_restore), its .sha256 and a .manifest (database, time, pg_dump version, checksum, the
# data key's fingerprint). ID numbers and phones in the dump are encrypted with the data key, which
# lives OUTSIDE the database (ZHTJ_DATA_KEY, ZHTJ_DATA_KEY_FILE or DATA_DIR/secrets/data.key): without
# it the backup cannot be read back. The key is copied only to KEY_BACKUP_DIR, which must be another
# place than BACKUP_DIR (another medium or custodian); without KEY_BACKUP_DIR the script says loudly
# that the key was NOT backed up, and never puts it beside the dump.
set -euo pipefail

: "${DATABASE_URL:?DATABASE_URL (the database to back up) is required}"
BACKUP_DIR="${BACKUP_DIR:-${1:-./backups}}"
mkdir -p "$BACKUP_DIR"
chmod 700 "$BACKUP_DIR"
BACKUP_DIR="$(cd "$BACKUP_DIR" && pwd -P)"

db="$(psql "$DATABASE_URL" -XAtq -c 'SELECT current_database()')"
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
dump="$BACKUP_DIR/zhtj-$db-$stamp.dump"

# The data key: where the server reads it (src/lib/pii.ts loadMasterKey), in the same order.
key_b64=""
key_from=""
if [[ -n "${ZHTJ_DATA_KEY:-}" ]]; then
  key_b64="$ZHTJ_DATA_KEY"; key_from="环境变量 ZHTJ_DATA_KEY"
elif [[ -n "${ZHTJ_DATA_KEY_FILE:-}" ]]; then
  key_b64="$(tr -d '[:space:]' < "$ZHTJ_DATA_KEY_FILE")"; key_from="$ZHTJ_DATA_KEY_FILE"
elif [[ -f "${DATA_DIR:-./data}/secrets/data.key" ]]; then
  key_b64="$(tr -d '[:space:]' < "${DATA_DIR:-./data}/secrets/data.key")"; key_from="${DATA_DIR:-./data}/secrets/data.key"
fi
fingerprint="unknown"
if [[ -n "$key_b64" ]]; then
  # A one-way fingerprint, so a restore can check it has the right key; it reveals nothing of the key.
  fingerprint="$(printf '%s' "$key_b64" | base64 -d | sha256sum | cut -c1-16)"
fi

pg_dump --format=custom --compress=6 --file="$dump.partial" "$DATABASE_URL"
mv "$dump.partial" "$dump"
chmod 600 "$dump"
(cd "$BACKUP_DIR" && sha256sum "$(basename "$dump")" > "$(basename "$dump").sha256")

key_note="未备份（未设置 KEY_BACKUP_DIR）"
if [[ -z "$key_b64" ]]; then
  key_note="未找到数据密钥（ZHTJ_DATA_KEY / ZHTJ_DATA_KEY_FILE / DATA_DIR/secrets/data.key），请确认密钥另有备份"
  echo "警告：$key_note" >&2
elif [[ -n "${KEY_BACKUP_DIR:-}" ]]; then
  mkdir -p "$KEY_BACKUP_DIR"
  chmod 700 "$KEY_BACKUP_DIR"
  key_dir="$(cd "$KEY_BACKUP_DIR" && pwd -P)"
  case "$key_dir/" in
    "$BACKUP_DIR"/*) echo "拒绝：KEY_BACKUP_DIR（$key_dir）在 BACKUP_DIR 之内。密钥必须与数据库备份分开保存。" >&2; exit 3 ;;
  esac
  case "$BACKUP_DIR/" in
    "$key_dir"/*) echo "拒绝：BACKUP_DIR 在 KEY_BACKUP_DIR（$key_dir）之内。密钥必须与数据库备份分开保存。" >&2; exit 3 ;;
  esac
  key_file="$key_dir/zhtj-data-key-$fingerprint.key"
  if [[ ! -f "$key_file" ]]; then
    (umask 077 && printf '%s\n' "$key_b64" > "$key_file")
  fi
  key_note="$key_file"
  echo "数据密钥（来自 $key_from，指纹 $fingerprint）已备份到 $key_file —— 与数据库备份分开保管。"
else
  echo "警告：数据密钥没有备份（未设置 KEY_BACKUP_DIR）。密钥来自 $key_from，指纹 $fingerprint；" >&2
  echo "      没有它，备份中的身份证号码和手机号码无法解密。请把它备份到与数据库备份不同的介质或保管人处。" >&2
fi

cat > "$dump.manifest" <<MANIFEST
database=$db
created_utc=$stamp
pg_dump=$(pg_dump --version)
sha256=$(cut -d' ' -f1 < "$dump.sha256")
data_key_fingerprint=$fingerprint
data_key_backup=$key_note
MANIFEST
echo "数据库备份：$dump（$(du -h "$dump" | cut -f1)）"
