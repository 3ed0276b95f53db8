import { createHash } from 'node:crypto';
import { setImmediate, setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'drizzle-orm';
import { one, rows, type Db, type Executor } from '../db/client';
import { MIN_AUDIT_RETENTION_DAYS } from './config';
import type { AppContext } from './context';

/**
 * Issue 7 item 4 / MLPS 8.1.4.3 c): the audit log is hash-chained. Writers never wait for the chain:
 * rows are inserted unsealed in the change's own transaction, and the sealing job later chains the
 * committed rows in id order — `hash = sha256(previous hash ‖ canonical row)`, `seq` = 1, 2, 3 … —
 * so a changed, inserted or deleted row breaks the chain at that row. A retention purge removes a
 * sealed prefix and records its last (seq, hash) as the anchor the verifier starts from.
 *
 * Which rows are final is learnt from transaction ids, not from a lock on audit_log (`committedHorizon`):
 * an audit id is drawn only by a transaction that already has its transaction id (drizzle/0018), so
 * once every transaction that was running just after the sequence was read has ended, every id up to
 * what was read is final. The job takes no lock an insert could queue behind, and yields to the
 * event loop while it hashes.
 */

export const GENESIS_HASH = '0'.repeat(64);
export const ANCHOR_KEY = 'audit_chain_anchor';

export interface ChainAnchor {
  seq: number;
  hash: string;
  /** When the retention purge cut the head (ISO instant) and the retention in force then. */
  purgedAt: string;
  retentionDays: number;
}

interface RawRow {
  id: string;
  seq: string | null;
  hash: string | null;
  at_us: string;
  actor_person_id: string | null;
  actor_name: string | null;
  acting_org_id: string | null;
  action: string;
  object_type: string | null;
  object_id: string | null;
  object_label: string | null;
  org_path: string | null;
  also_org_path: string | null;
  changes: string | null;
  result: string;
  reason: string | null;
  ip: string | null;
  request_id: string | null;
}

// Every column as text (jsonb's text form is normalised; the instant as epoch microseconds), so the
// canonical form does not depend on the driver, the session time zone or the server version.
const COLUMNS = sql.raw(`id::text AS id, seq::text AS seq, hash, (extract(epoch FROM at) * 1000000)::bigint::text AS at_us,
  actor_person_id::text AS actor_person_id, actor_name, acting_org_id::text AS acting_org_id, action, object_type,
  object_id, object_label, org_path::text AS org_path, also_org_path::text AS also_org_path, changes::text AS changes, result::text AS result, reason, ip, request_id`);

/** The row's content as hashed: every column except the chain's own `hash`. */
export function canonicalRow(r: RawRow, seq: number): string {
  const fields = [
    r.id,
    String(seq),
    r.at_us,
    r.actor_person_id,
    r.actor_name,
    r.acting_org_id,
    r.action,
    r.object_type,
    r.object_id,
    r.object_label,
    r.org_path,
    r.changes,
    r.result,
    r.reason,
    r.ip,
    r.request_id,
  ];
  // drizzle/0020's column only when set: the rows sealed before it keep their hashes.
  if (r.also_org_path !== null) fields.push(r.also_org_path);
  return JSON.stringify(fields);
}

export function chainHash(prevHash: string, r: RawRow, seq: number): string {
  return createHash('sha256').update(prevHash).update('\n').update(canonicalRow(r, seq)).digest('hex');
}

export async function readAnchor(ex: Executor): Promise<ChainAnchor | null> {
  const row = await one<{ value: ChainAnchor }>(ex, sql`SELECT value FROM system_settings WHERE key = ${ANCHOR_KEY}`);
  return row?.value ?? null;
}

async function chainHead(ex: Executor): Promise<{ seq: number; hash: string; id: number }> {
  const last = await one<{ seq: string; hash: string; id: string }>(ex, sql`SELECT seq::text AS seq, hash, id::text AS id FROM audit_log WHERE seq IS NOT NULL ORDER BY audit_log.seq DESC LIMIT 1`);
  if (last) return { seq: Number(last.seq), hash: last.hash, id: Number(last.id) };
  const anchor = await readAnchor(ex);
  return anchor ? { seq: anchor.seq, hash: anchor.hash, id: 0 } : { seq: 0, hash: GENESIS_HASH, id: 0 };
}

/**
 * A statement about the past that later becomes checkable: every audit id ≤ `lastId` was drawn by a
 * transaction that had ended, or by one of `xids` (transaction ids, as text). Once none of `xids` is
 * still running, every row with id ≤ `lastId` is final: committed, or rolled back and gone.
 */
interface HorizonCandidate {
  lastId: number;
  xids: string[];
}

/**
 * Candidates recorded and not yet passed, oldest first, per database (the Drizzle instance). Kept in
 * the process, not in system_settings: a candidate stays true forever, so any process may hold its own
 * and the one that holds the job's lock uses its own; storing them would add a write every tick, and
 * after a restart the first tick records a new one and on a quiet system passes it at once.
 */
const candidatesByDb = new WeakMap<object, HorizonCandidate[]>();
const MAX_CANDIDATES = 8;

/**
 * The highest id the sequence has handed out, read under the sequence's buffer lock (0 before the
 * first nextval after a reset: a lower bound is always safe).
 */
const LAST_ID = sql`SELECT coalesce(pg_sequence_last_value('audit_log_id_seq'::regclass), 0)::text AS last_id`;

/**
 * The transaction ids running in this database (sessions, then prepared transactions: PREPARE lists
 * the prepared one before it clears the session's id). Its own statement, outside any transaction:
 * pg_stat_activity is read once per transaction. backend_xid is shown to every role.
 */
const RUNNING_XIDS = sql`SELECT backend_xid::text AS xid FROM pg_stat_activity WHERE backend_xid IS NOT NULL AND datname = current_database()
  UNION ALL SELECT transaction::text FROM pg_prepared_xacts WHERE database = current_database()`;

async function runningXids(db: Db): Promise<Set<string>> {
  return new Set((await rows<{ xid: string }>(db, RUNNING_XIDS)).map((r) => r.xid));
}

/**
 * Two statements, in this order: the sequence's last id L, then the transaction ids running in this
 * database. A transaction that drew an id ≤ L drew it before L was read, and had its transaction id
 * before it drew it (`audit_log_next_id()`, drizzle/0018): so when the second statement runs it has
 * either ended or is listed with that id. Transactions of other databases, and those that started
 * later, never hold the candidate back. (A snapshot's xmin/xmax would not do: they span the whole
 * cluster, and xmax is one past the latest *completed* id — transactions with larger ids may be
 * running.)
 */
async function recordCandidate(db: Db): Promise<HorizonCandidate> {
  const seqRow = await one<{ last_id: string }>(db, LAST_ID);
  const xids = await runningXids(db);
  return { lastId: Number(seqRow!.last_id), xids: [...xids] };
}

/**
 * The highest id below which every audit row is final, without a lock (writers never wait): record a
 * candidate every tick, and seal up to the newest candidate none of whose transactions still runs.
 * On a quiet system the candidate just recorded passes at once; under load it usually passes within
 * `settleMs` (polled), or else at a later tick. `pending` is true while a candidate has not passed:
 * some rows cannot be sealed yet.
 */
async function committedHorizon(ctx: Pick<AppContext, 'db'>, settleMs: number): Promise<{ horizon: number | null; pending: boolean }> {
  let list = candidatesByDb.get(ctx.db);
  if (!list) candidatesByDb.set(ctx.db, (list = []));
  list.push(await recordCandidate(ctx.db));
  // Any subset of candidates is sound; when a long transaction holds them all back, keep the oldest
  // (the next to pass) and the newest.
  if (list.length > MAX_CANDIDATES) list.splice(list.length - 2, 1);
  let horizon: number | null = null;
  const deadline = Date.now() + settleMs;
  for (;;) {
    const running = await runningXids(ctx.db);
    const lastId = Number((await one<{ last_id: string }>(ctx.db, LAST_ID))!.last_id);
    // The sequence went back (the database was restored under this process): the candidates speak
    // of another history. Start again next tick.
    if (list.some((c) => c.lastId > lastId)) {
      list.length = 0;
      return { horizon: null, pending: true };
    }
    // Candidates are in id order: the newest one passed (with every older one) gives the horizon.
    for (let i = list.length - 1; i >= 0; i--) {
      if (list[i]!.xids.every((x) => !running.has(x))) {
        horizon = list[i]!.lastId;
        list.splice(0, i + 1);
        break;
      }
    }
    if (list.length === 0 || Date.now() >= deadline) break;
    await sleep(SETTLE_POLL_MS);
  }
  return { horizon, pending: list.length > 0 };
}

const SETTLE_POLL_MS = 25;
/** Rows hashed between two yields to the event loop (a 2,000-row batch hashes in ~10–40 ms). */
const YIELD_EVERY = 200;

export interface SealResult {
  sealed: number;
  /** True when some rows could not be sealed yet (a transaction that may have written audit rows is still open): retried next tick. */
  deferred: boolean;
}

/**
 * The sealing job (scheduler key 7_240_106): chains every final unsealed row, in id order, in
 * transactions of `batch` rows, yielding to the event loop while it hashes.
 */
export async function sealAudit(ctx: Pick<AppContext, 'db'>, opts: { batch?: number; settleMs?: number } = {}): Promise<SealResult> {
  const batch = opts.batch ?? 2_000;
  const { horizon, pending } = await committedHorizon(ctx, opts.settleMs ?? 500);
  if (horizon === null) return { sealed: 0, deferred: pending };
  let sealed = 0;
  for (;;) {
    const n = await ctx.db.transaction(async (tx) => {
      const head = await chainHead(tx);
      const pendingRows = await rows<RawRow>(tx, sql`SELECT ${COLUMNS} FROM audit_log WHERE seq IS NULL AND id > ${head.id} AND id <= ${horizon} ORDER BY audit_log.id LIMIT ${batch}`);
      if (pendingRows.length === 0) return 0;
      let prev = head.hash;
      let seq = head.seq;
      const ids: string[] = [];
      const seqs: string[] = [];
      const hashes: string[] = [];
      for (const r of pendingRows) {
        seq += 1;
        prev = chainHash(prev, r, seq);
        ids.push(r.id);
        seqs.push(String(seq));
        hashes.push(prev);
        if (ids.length % YIELD_EVERY === 0) await setImmediate();
      }
      // The append-only trigger admits exactly this: seq/hash from null to a value, nothing else.
      await tx.execute(sql`UPDATE audit_log a SET seq = v.seq, hash = v.hash
        FROM (SELECT unnest(${`{${ids.join(',')}}`}::bigint[]) AS id, unnest(${`{${seqs.join(',')}}`}::bigint[]) AS seq, unnest(${`{${hashes.join(',')}}`}::text[]) AS hash) v
        WHERE a.id = v.id`);
      return pendingRows.length;
    });
    sealed += n;
    if (n < batch) return { sealed, deferred: pending };
  }
}

export interface VerifyResult {
  ok: boolean;
  /** Sealed rows checked. */
  checked: number;
  /** Rows not sealed yet (the tail the sealing job has not reached). */
  unsealed: number;
  anchor: ChainAnchor | null;
  head: { seq: number; hash: string } | null;
  broken?: { id: number; reason: 'SEQ_GAP' | 'HASH_MISMATCH' | 'ORDER' | 'HEAD_CUT' | 'UNSEALED_INSIDE'; zh: string; en: string };
}

/** Walks the chain from the anchor (or the genesis) and reports the first row that breaks it. */
export async function verifyAuditChain(ex: Executor, opts: { batch?: number } = {}): Promise<VerifyResult> {
  const batch = opts.batch ?? 5_000;
  const anchor = await readAnchor(ex);
  let prevSeq = anchor?.seq ?? 0;
  let prevHash = anchor?.hash ?? GENESIS_HASH;
  let prevId = 0;
  let checked = 0;
  const unsealedRow = await one<{ n: string }>(ex, sql`SELECT count(*)::text AS n FROM audit_log WHERE seq IS NULL`);
  const unsealed = Number(unsealedRow?.n ?? 0);
  const result = (broken?: VerifyResult['broken']): VerifyResult => ({
    ok: !broken,
    checked,
    unsealed,
    anchor,
    head: checked > 0 || anchor ? { seq: prevSeq, hash: prevHash } : null,
    ...(broken ? { broken } : {}),
  });
  for (;;) {
    const page = await rows<RawRow>(ex, sql`SELECT ${COLUMNS} FROM audit_log WHERE seq > ${prevSeq} ORDER BY audit_log.seq LIMIT ${batch}`);
    for (const r of page) {
      const seq = Number(r.seq);
      const id = Number(r.id);
      if (seq !== prevSeq + 1) {
        if (checked === 0 && !anchor) {
          return result({ id, reason: 'HEAD_CUT', zh: `第 ${id} 行之前的 ${seq - 1} 行审计记录被删除，且没有保留期清理的锚点记录`, en: `the ${seq - 1} rows before row ${id} were deleted without a retention-purge anchor` });
        }
        return result({ id, reason: 'SEQ_GAP', zh: `第 ${id} 行之前缺少序号 ${prevSeq + 1}–${seq - 1} 的审计记录（被删除）`, en: `rows with seq ${prevSeq + 1}–${seq - 1} before row ${id} are missing (deleted)` });
      }
      if (id <= prevId) {
        return result({ id, reason: 'ORDER', zh: `第 ${id} 行的序号与行号顺序不一致`, en: `row ${id} is out of id order in the chain` });
      }
      const expected = chainHash(prevHash, r, seq);
      if (expected !== r.hash) {
        return result({ id, reason: 'HASH_MISMATCH', zh: `第 ${id} 行的内容或哈希被篡改（哈希不符）`, en: `row ${id} was altered: its hash does not match its content and the previous hash` });
      }
      prevSeq = seq;
      prevHash = expected;
      prevId = id;
      checked += 1;
    }
    if (page.length < batch) break;
  }
  // A row slipped in under the sealed range (an explicit id) was never chained.
  const inside = await one<{ id: string }>(ex, sql`SELECT id::text AS id FROM audit_log WHERE seq IS NULL AND id < ${prevId} ORDER BY audit_log.id LIMIT 1`);
  if (inside) {
    const id = Number(inside.id);
    return result({ id, reason: 'UNSEALED_INSIDE', zh: `第 ${id} 行位于已封存区间内却未封存（事后插入）`, en: `row ${id} lies inside the sealed range but is not sealed (inserted afterwards)` });
  }
  return result();
}

/** The verifier's report, Chinese then English (scripts/audit-verify.ts). */
export function formatVerifyReport(r: VerifyResult): string {
  const lines: string[] = [];
  if (r.anchor) {
    lines.push(`保留期清理锚点：序号 ${r.anchor.seq} 及之前的记录已按 ${r.anchor.retentionDays} 天保留期于 ${r.anchor.purgedAt} 清理（正常）`);
    lines.push(`Retention cut: rows up to seq ${r.anchor.seq} were purged on ${r.anchor.purgedAt} under a ${r.anchor.retentionDays}-day retention (expected)`);
  }
  if (r.broken) {
    lines.push(`审计日志哈希链校验失败：${r.broken.zh}。已校验 ${r.checked} 行。`);
    lines.push(`Audit hash chain BROKEN at row id ${r.broken.id}: ${r.broken.en}. ${r.checked} rows verified before it.`);
  } else {
    lines.push(`审计日志哈希链完整：已校验 ${r.checked} 行。`);
    lines.push(`Audit hash chain intact: ${r.checked} rows verified.`);
  }
  if (r.head) lines.push(`链头 / chain head: seq ${r.head.seq} sha256 ${r.head.hash}`);
  lines.push(`尚未封存的尾部记录：${r.unsealed} 行 / unsealed tail: ${r.unsealed} rows (sealed by the seal-audit job)`);
  return lines.join('\n');
}

/**
 * The retention purge (scheduler key 7_240_107): deletes the sealed prefix of rows older than the
 * retention, through the trigger's purge path, and records the last purged (seq, hash) as the anchor
 * so the remaining chain still verifies and the cut shows as a retention cut, not a tamper.
 */
export async function purgeAudit(ctx: Pick<AppContext, 'db' | 'clock' | 'config'>, opts: { maxRows?: number } = {}): Promise<{ purged: number }> {
  const retentionDays = Math.max(ctx.config.auditRetentionDays, MIN_AUDIT_RETENTION_DAYS);
  const cutoff = new Date(ctx.clock.now().getTime() - retentionDays * 86_400_000);
  const maxRows = opts.maxRows ?? 50_000;
  return ctx.db.transaction(async (tx) => {
    const bounds = await one<{ first: string | null; last_old: string | null; first_young: string | null }>(
      tx,
      sql`SELECT min(seq)::text AS first,
                 max(seq) FILTER (WHERE at < ${cutoff})::text AS last_old,
                 min(seq) FILTER (WHERE at >= ${cutoff})::text AS first_young
          FROM audit_log WHERE seq IS NOT NULL`,
    );
    if (!bounds?.first || !bounds.last_old) return { purged: 0 };
    // Only a prefix: the chain must stay contiguous after the cut.
    let upTo = Number(bounds.last_old);
    if (bounds.first_young) upTo = Math.min(upTo, Number(bounds.first_young) - 1);
    upTo = Math.min(upTo, Number(bounds.first) + maxRows - 1);
    if (upTo < Number(bounds.first)) return { purged: 0 };
    const last = await one<{ hash: string }>(tx, sql`SELECT hash FROM audit_log WHERE seq = ${upTo}`);
    const anchor: ChainAnchor = { seq: upTo, hash: last!.hash, purgedAt: ctx.clock.now().toISOString(), retentionDays };
    await tx.execute(sql`INSERT INTO system_settings (key, value, updated_at) VALUES (${ANCHOR_KEY}, ${JSON.stringify(anchor)}::jsonb, now())
      ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = now()`);
    await tx.execute(sql`SELECT set_config('zhtj.audit_purge', 'on', true)`);
    const deleted = await rows<{ id: string }>(tx, sql`DELETE FROM audit_log WHERE seq <= ${upTo} RETURNING id`);
    return { purged: deleted.length };
  });
}
