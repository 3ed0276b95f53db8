import type { PassThrough } from 'node:stream';
import { and, asc, count, eq, gt, inArray, lt, ne, sql } from 'drizzle-orm';
import type { ImportJob as ImportJobDto, ImportRowItem } from '../../../contracts/imports';
import type { Page } from '../../../contracts/common';
import { rows, type Tx } from '../../../db/client';
import { importJobs, importRows } from '../../../db/schema';
import { DomainError } from '../../../domain/errors';
import { isWithin } from '../../../domain/scope';
import { guardXlsx, XlsxGuardError } from '../../../lib/xlsx-guard';
import { adminAuditActor, refuseOutOfScope, writeAudit } from '../../audit';
import type { AdminActor, AppContext } from '../../context';
import { lockOrgInScope, orgInScopeOr404 } from '../orgs/orgs.service';
import { personConflict } from '../people/persons';
import { cadreImport } from './cadre-import';
import { errorWorkbook, ImportFileError, problemsText, type ImportJob, type ImportKind, type RawRow, type RowProblem } from './engine';
import { validateInWorker } from './import-thread';
import { memberImport } from './member-import';
import { destinationImport } from './destination-import';

/** Every import kind by name; issue 4/7 adds its graduate-destinations kind here. */
export const IMPORT_KINDS: Record<string, ImportKind<unknown, unknown>> = {
  MEMBERS: memberImport as ImportKind<unknown, unknown>,
  CADRES: cadreImport as ImportKind<unknown, unknown>,
  DESTINATIONS: destinationImport as ImportKind<unknown, unknown>,
};

/** Staged data (personal data) lives a day at most; the retention job deletes it. */
export const IMPORT_RETENTION_MS = 24 * 3_600_000;
/** A job that reports no progress for this long was interrupted (restart); nothing was written. */
export const IMPORT_STALE_MS = 30 * 60_000;

/** Background work in this process, so tests (and shutdown) can wait for it. */
const running = new Map<number, Promise<void>>();
export function waitForImport(id: number): Promise<void> {
  return running.get(id) ?? Promise.resolve();
}
function inBackground(id: number, work: () => Promise<void>): void {
  const p = new Promise<void>((resolve) => setImmediate(resolve)).then(work).finally(() => running.delete(id));
  running.set(id, p);
}

function present(job: ImportJob): ImportJobDto {
  const validRows = job.totalRows - job.errorRows;
  const ready = job.status === 'VALIDATED';
  return {
    id: job.id,
    kind: job.kind as ImportJobDto['kind'],
    status: job.status as ImportJobDto['status'],
    mode: job.mode as ImportJobDto['mode'],
    targetOrgId: job.targetOrgId,
    fileName: job.fileName,
    progress: job.progress,
    totalRows: job.totalRows,
    errorRows: job.errorRows,
    warningRows: job.warningRows,
    validRows,
    committedRows: job.committedRows,
    message: job.message,
    createdAt: job.createdAt.toISOString(),
    expiresAt: job.expiresAt.toISOString(),
    can: {
      commit: ready && job.errorRows === 0 && job.totalRows > 0,
      commitValid: ready && job.errorRows > 0 && validRows > 0,
      errorWorkbook: job.file !== null && (ready || (job.status === 'COMMITTED' && job.errorRows > 0)),
    },
  };
}

const GUARD_CODES = { NOT_XLSX: 'IMPORT_NOT_XLSX', TOO_LARGE: 'IMPORT_TOO_LARGE', ZIP_BOMB: 'IMPORT_ZIP_BOMB', FORMULA: 'IMPORT_FORMULA' } as const;

/**
 * POST: checks the file before anything parses it (hostile files), records the job and starts
 * reading it in the background. The target org decides the mode: a 团支部 (branch mode), a committee
 * (multi-branch mode with the 所在团支部 column), or for cadres the committee itself (CAD-1).
 */
export async function uploadImport(ctx: AppContext, actor: AdminActor, q: { kind: 'MEMBERS' | 'CADRES' | 'DESTINATIONS'; orgId: number; fileName: string }, file: Buffer): Promise<ImportJobDto> {
  const org = await orgInScopeOr404(ctx, actor, q.orgId);
  // Destinations (MEM-7) cover the org's whole subtree, keyed by 团员编号.
  const mode = q.kind === 'CADRES' || q.kind === 'DESTINATIONS' ? 'ORG' : org.kind === 'BRANCH' ? 'BRANCH' : 'MULTI';
  if (q.kind === 'CADRES' && org.kind === 'BRANCH') throw new DomainError('IMPORT_WRONG_ORG', '团支部的团干部随团员信息一起导入（填写团内职务），本级团干部导入只适用于团委、团工委、团总支');
  try {
    await guardXlsx(file);
  } catch (err) {
    if (err instanceof XlsxGuardError) throw new DomainError(GUARD_CODES[err.problem], err.message);
    throw err;
  }
  const now = ctx.clock.now();
  const [job] = await ctx.db.transaction(async (tx) => {
    const rows = await tx
      .insert(importJobs)
      .values({
        kind: q.kind,
        status: 'READING',
        actorPersonId: actor.personId,
        actorName: actor.name,
        actingOrgId: actor.scope.orgId,
        scopePath: actor.scope.path,
        targetOrgId: org.id,
        mode,
        fileName: q.fileName,
        file: ctx.cipher.encrypt(file.toString('base64')),
        fileSize: file.length,
        createdAt: now,
        updatedAt: now,
        expiresAt: new Date(now.getTime() + IMPORT_RETENTION_MS),
      })
      .returning();
    await writeAudit(tx, ctx, adminAuditActor(actor), {
      action: 'IMPORT_UPLOAD',
      result: 'OK',
      objectType: 'import',
      objectId: rows[0]!.id,
      objectLabel: q.fileName,
      orgPath: org.path,
      reason: `${IMPORT_KINDS[q.kind]!.title.replace('模板', '')}（${file.length} 字节）`,
    });
    return rows;
  });
  inBackground(job!.id, () => runImport(ctx, job!.id));
  return present(job!);
}

function fileOf(ctx: AppContext, job: ImportJob): Buffer {
  return Buffer.from(ctx.cipher.decrypt(job.file!), 'base64');
}

const PROGRESS_EVERY_MS = 500;

/** The background reader: streaming, every row validated and staged, progress reported as it goes. */
export async function runImport(ctx: AppContext, id: number): Promise<void> {
  const [job] = await ctx.db.select().from(importJobs).where(eq(importJobs.id, id));
  if (!job || job.status !== 'READING' || !job.file) return;
  const kind = IMPORT_KINDS[job.kind]!;
  let total = 0;
  let errors = 0;
  let warnings = 0;
  // One staging insert in flight while the next batch is parsed and validated (CPU-bound) — the
  // in-file duplicate checks live in `prep`, not in the staged rows, so nothing reads them early.
  let staging: Promise<unknown> = Promise.resolve();
  let progressAt = 0;
  try {
    const prep = await kind.prepare(ctx, job);
    const off = kind.offThread;
    // Parsing (and, with `offThread`, the row checks and encryption) runs in a worker thread, so the
    // server keeps answering while a 100,000-row file is validated; the database work stays here.
    await validateInWorker(
      { kind: job.kind, columns: kind.columns, file: fileOf(ctx, job), ...(off ? { prep: off.workerPrep(prep), keys: ctx.cipher.workerKeys() } : {}) },
      async (batch, checked) => {
        const staged = off && checked ? await off.finish(ctx, job, prep, batch) : await kind.validate(ctx, job, prep, batch as RawRow[]);
        const values = staged.map((r) => {
          const hasError = r.problems.some((p) => p.severity === 'error');
          total++;
          if (hasError) errors++;
          else if (r.problems.length > 0) warnings++;
          // `d` left out (SQL NULL) for a row with errors.
          return { n: r.rowNo, l: r.label, d: hasError ? undefined : r.data, p: r.problems, e: hasError };
        });
        // The batch as ONE jsonb parameter: one native JSON.stringify, where five array parameters
        // cost `pg` an escaping pass over every JSON text on the main thread (CPU profile, issue 7).
        await staging;
        // `.then` once: a drizzle query runs each time it is awaited, so keep the real promise.
        staging = ctx.db.execute(sql`INSERT INTO import_rows (job_id, row_no, label, data, problems, has_error)
          SELECT ${id}, (r->>'n')::int, r->>'l', r->'d', r->'p', (r->>'e')::bool
          FROM jsonb_array_elements(${JSON.stringify(values)}::jsonb) AS r`).then((r) => r);
        // Handled here so a failure is not reported as unhandled; it is rethrown by the next await.
        staging.catch(() => undefined);
      },
      async (fraction) => {
        // At most a few progress writes a second: each one is a round trip that holds up the next batch.
        const at = Date.now();
        if (at - progressAt < PROGRESS_EVERY_MS) return;
        progressAt = at;
        await ctx.db
          .update(importJobs)
          .set({ progress: Math.min(99, Math.floor(fraction * 100)), totalRows: total, errorRows: errors, warningRows: warnings, updatedAt: ctx.clock.now() })
          .where(eq(importJobs.id, id));
      },
    );
    await staging;
    await ctx.db
      .update(importJobs)
      .set({ status: 'VALIDATED', progress: 100, totalRows: total, errorRows: errors, warningRows: warnings, updatedAt: ctx.clock.now() })
      .where(eq(importJobs.id, id));
  } catch (err) {
    const message =
      err instanceof ImportFileError || err instanceof DomainError ? err.message : '无法读取该工作簿，文件可能已损坏；请用 Excel 或 WPS 打开后另存为 .xlsx 再上传';
    if (!(err instanceof ImportFileError || err instanceof DomainError)) console.error('import read failed', err);
    await staging.catch(() => undefined);
    await ctx.db.delete(importRows).where(eq(importRows.jobId, id));
    await ctx.db.update(importJobs).set({ status: 'FAILED', message, updatedAt: ctx.clock.now() }).where(eq(importJobs.id, id));
  }
}

/** The uploader's own job, inside their scope; anything else answers like a missing one. */
async function jobOr404(ctx: AppContext, actor: AdminActor, id: number): Promise<ImportJob> {
  const [job] = await ctx.db.select().from(importJobs).where(eq(importJobs.id, id));
  if (!job || job.actorPersonId !== actor.personId || !isWithin(job.scopePath, actor.scope.path)) {
    // SEC-1/SEC-3: someone else's job answers like a missing one, and the attempt is logged.
    return refuseOutOfScope(ctx, actor, 'import_job', id, async () => job !== undefined);
  }
  return job;
}

export async function getImport(ctx: AppContext, actor: AdminActor, id: number): Promise<ImportJobDto> {
  return present(await jobOr404(ctx, actor, id));
}

/** The rows with problems (errors first by default), paged, for the on-screen table. */
export async function listImportRows(ctx: AppContext, actor: AdminActor, id: number, q: { page: number; pageSize: number; errorsOnly?: boolean }): Promise<Page<ImportRowItem>> {
  await jobOr404(ctx, actor, id);
  const where = and(eq(importRows.jobId, id), q.errorsOnly ? eq(importRows.hasError, true) : ne(importRows.problems, sql`'[]'::jsonb`));
  const [items, [total]] = await Promise.all([
    ctx.db
      .select({ rowNo: importRows.rowNo, label: importRows.label, hasError: importRows.hasError, problems: importRows.problems })
      .from(importRows)
      .where(where)
      .orderBy(asc(importRows.rowNo))
      .limit(q.pageSize)
      .offset((q.page - 1) * q.pageSize),
    ctx.db.select({ n: count() }).from(importRows).where(where),
  ]);
  return { items, total: total?.n ?? 0, page: q.page, pageSize: q.pageSize };
}

/** The uploaded workbook with an added 错误说明 column; after “仅导入无误的行” only the rows left out. */
export async function importErrorWorkbook(ctx: AppContext, actor: AdminActor, id: number, onError: (err: unknown) => void): Promise<{ stream: PassThrough; fileName: string }> {
  const job = await jobOr404(ctx, actor, id);
  if (!job.file || !(job.status === 'VALIDATED' || job.status === 'COMMITTED')) throw new DomainError('IMPORT_NOT_READY');
  const problems = new Map<number, RowProblem[]>();
  let after = 0;
  for (;;) {
    const batch = await ctx.db
      .select({ rowNo: importRows.rowNo, problems: importRows.problems })
      .from(importRows)
      .where(and(eq(importRows.jobId, id), gt(importRows.rowNo, after), ne(importRows.problems, sql`'[]'::jsonb`)))
      .orderBy(asc(importRows.rowNo))
      .limit(5000);
    for (const r of batch) problems.set(r.rowNo, r.problems);
    if (batch.length < 5000) break;
    after = batch[batch.length - 1]!.rowNo;
  }
  const committed = job.status === 'COMMITTED';
  const kind = IMPORT_KINDS[job.kind]!;
  const stream = errorWorkbook(
    fileOf(ctx, job),
    kind.sheetName,
    async (rowNo) => {
      const p = problems.get(rowNo);
      if (committed) return p && p.some((x) => x.severity === 'error') ? problemsText(p) : null;
      return p ? problemsText(p) : '';
    },
    onError,
  );
  const stem = job.fileName.replace(/\.xlsx$/i, '');
  return { stream, fileName: committed ? `${stem}-未导入的行.xlsx` : `${stem}-错误说明.xlsx` };
}

/** Row numbers per commitStaged statement: a handful of statements for 100,000 rows. */
const STAGED_CHUNK = 25_000;

export interface CommitHooks {
  /** Test-only fault injection: called inside the transaction after each chunk of rows. */
  afterChunk?: (tx: Tx, written: number, total: number) => Promise<void>;
}

/**
 * POST commit: only a fully valid file, or with `onlyValid` its valid rows. All rows are written in
 * ONE transaction together with the job's new status, so a crash or restart leaves none of them.
 * Runs in the background (a large file takes seconds); the job's status tells when it is done.
 */
export async function commitImport(ctx: AppContext, actor: AdminActor, id: number, input: { onlyValid: boolean }, hooks: CommitHooks = {}): Promise<ImportJobDto> {
  const job = await jobOr404(ctx, actor, id);
  if (job.status !== 'VALIDATED') throw new DomainError('IMPORT_NOT_READY');
  if (job.errorRows > 0 && !input.onlyValid) throw new DomainError('IMPORT_HAS_ERRORS', `文件中有 ${job.errorRows} 行有错误，请修改后重新上传，或选择“仅导入无误的行”`);
  if (job.totalRows - job.errorRows === 0) throw new DomainError('IMPORT_NOTHING_VALID');
  await orgInScopeOr404(ctx, actor, job.targetOrgId);
  const [claimed] = await ctx.db
    .update(importJobs)
    .set({ status: 'COMMITTING', progress: 0, message: null, updatedAt: ctx.clock.now() })
    .where(and(eq(importJobs.id, id), eq(importJobs.status, 'VALIDATED')))
    .returning();
  if (!claimed) throw new DomainError('IMPORT_NOT_READY');
  inBackground(id, () => writeImport(ctx, actor, claimed, hooks));
  return present(claimed);
}

/** Writes the job's valid staged rows through its kind; `afterChunk` gets the running count. */
async function writeRows(tx: Tx, ctx: AppContext, job: ImportJob, kind: ImportKind<unknown, unknown>, afterChunk: (written: number) => Promise<void> | undefined): Promise<number> {
  let written = 0;
  if (kind.commitStaged) {
    // Ranges of row numbers (the staged rows' key), so a failure between chunks can be injected.
    const [last] = await rows<{ n: number | null }>(tx, sql`SELECT max(row_no) AS n FROM import_rows WHERE job_id = ${job.id}`);
    for (let after = 0; after < (last?.n ?? 0); after += STAGED_CHUNK) {
      written += await kind.commitStaged(tx, ctx, job, { after, upTo: after + STAGED_CHUNK });
      await afterChunk(written);
    }
    return written;
  }
  let after = 0;
  for (;;) {
    const chunk = await tx
      .select({ rowNo: importRows.rowNo, data: importRows.data })
      .from(importRows)
      .where(and(eq(importRows.jobId, job.id), eq(importRows.hasError, false), gt(importRows.rowNo, after)))
      .orderBy(asc(importRows.rowNo))
      .limit(5000);
    if (chunk.length === 0) return written;
    await kind.commit!(tx, ctx, job, chunk as { rowNo: number; data: unknown }[]);
    written += chunk.length;
    after = chunk[chunk.length - 1]!.rowNo;
    await afterChunk(written);
  }
}

async function writeImport(ctx: AppContext, actor: AdminActor, job: ImportJob, hooks: CommitHooks): Promise<void> {
  const kind = IMPORT_KINDS[job.kind]!;
  const valid = job.totalRows - job.errorRows;
  try {
    await ctx.db.transaction(async (tx) => {
      // The job row stays locked until this transaction ends: restart recovery takes only unlocked
      // COMMITTING jobs, so it never resets a commit that is still being written (issue 7/7).
      const [mine] = await rows<{ status: string }>(tx, sql`SELECT status FROM import_jobs WHERE id = ${job.id} FOR UPDATE`);
      if (mine?.status !== 'COMMITTING') throw new DomainError('IMPORT_NOT_READY');
      const org = await lockOrgInScope(tx, actor, job.targetOrgId, 'share');
      const written = await writeRows(tx, ctx, job, kind, (n) => hooks.afterChunk?.(tx, n, valid));
      // The staged personal data goes with the commit; rows left out stay (until expiry) for their workbook.
      await tx.delete(importRows).where(and(eq(importRows.jobId, job.id), eq(importRows.hasError, false)));
      await tx
        .update(importJobs)
        .set({ status: 'COMMITTED', progress: 100, committedRows: written, file: job.errorRows > 0 ? job.file : null, updatedAt: ctx.clock.now() })
        .where(eq(importJobs.id, job.id));
      await writeAudit(tx, ctx, adminAuditActor(actor), {
        action: 'IMPORT_COMMIT',
        result: 'OK',
        objectType: 'import',
        objectId: job.id,
        objectLabel: job.fileName,
        orgPath: org.path,
        reason: `${kind.title.replace('模板', '')}：导入 ${written} 行${job.errorRows > 0 ? `，${job.errorRows} 行有错误未导入` : ''}`,
      });
    });
  } catch (err) {
    const conflict = personConflict(err);
    const message = conflict
      ? `导入失败，未写入任何数据：${conflict.message}（数据在校验后发生了变化，请重新上传校验）`
      : err instanceof DomainError
        ? `导入失败，未写入任何数据：${err.message}`
        : '导入失败，未写入任何数据，请稍后重试';
    if (!conflict && !(err instanceof DomainError)) console.error('import commit failed', err);
    await ctx.db
      .update(importJobs)
      .set({ status: conflict ? 'FAILED' : 'VALIDATED', message, updatedAt: ctx.clock.now() })
      .where(eq(importJobs.id, job.id))
      .catch(() => undefined);
  }
}

/**
 * Retention (src/jobs): staged rows and files are deleted once a job expires; a job interrupted by a
 * restart (no progress for 30 minutes while reading or committing) is marked failed — its commit
 * transaction never finished, so nothing of it was written.
 */
export async function purgeImports(ctx: AppContext): Promise<void> {
  const now = ctx.clock.now();
  const expired = await ctx.db.select({ id: importJobs.id }).from(importJobs).where(and(lt(importJobs.expiresAt, now), ne(importJobs.status, 'EXPIRED')));
  if (expired.length > 0) {
    const ids = expired.map((e) => e.id);
    await ctx.db.delete(importRows).where(inArray(importRows.jobId, ids));
    await ctx.db.update(importJobs).set({ status: 'EXPIRED', file: null, updatedAt: now }).where(inArray(importJobs.id, ids));
  }
  const stale = new Date(now.getTime() - IMPORT_STALE_MS);
  const stuck = await ctx.db
    .select({ id: importJobs.id })
    .from(importJobs)
    .where(and(inArray(importJobs.status, ['READING', 'COMMITTING']), lt(importJobs.updatedAt, stale)));
  for (const { id } of stuck) {
    if (running.has(id)) continue;
    await ctx.db.delete(importRows).where(eq(importRows.jobId, id));
    await ctx.db
      .update(importJobs)
      .set({ status: 'FAILED', file: null, message: '导入被中断（服务重启），没有写入任何数据，请重新上传', updatedAt: now })
      .where(eq(importJobs.id, id));
  }
}

/** READING jobs report progress every batch; one silent this long has lost its reader. */
export const IMPORT_READER_SILENT_MS = 5 * 60_000;
export const IMPORT_INTERRUPTED_MESSAGE = '上次导入被中断（服务重启），没有写入任何数据，可以重新导入';

/**
 * Restart recovery (issue 7/7), run at start-up and every few seconds by the scheduler: a COMMITTING
 * job whose row no transaction holds lost its writer (the process was killed; PostgreSQL rolled its
 * one transaction back), so it returns to VALIDATED — its staged rows are still there and the admin
 * can commit again. A READING job silent for five minutes lost its reader and is marked failed.
 * Each recovery is audited. Returns the ids it recovered.
 */
export async function recoverInterruptedImports(ctx: AppContext): Promise<number[]> {
  const now = ctx.clock.now();
  const busy = await ctx.db
    .select({ id: importJobs.id, status: importJobs.status, updatedAt: importJobs.updatedAt, fileName: importJobs.fileName, scopePath: importJobs.scopePath })
    .from(importJobs)
    .where(inArray(importJobs.status, ['READING', 'COMMITTING']));
  const recovered: number[] = [];
  for (const job of busy) {
    if (running.has(job.id)) continue;
    if (job.status === 'READING' && now.getTime() - job.updatedAt.getTime() < IMPORT_READER_SILENT_MS) continue;
    const done = await ctx.db.transaction(async (tx) => {
      // SKIP LOCKED: a writer still inside its transaction (this or another process) keeps its job.
      const [locked] = await rows<{ id: number }>(tx, sql`SELECT id FROM import_jobs WHERE id = ${job.id} AND status = ${job.status} FOR UPDATE SKIP LOCKED`);
      if (!locked) return false;
      if (job.status === 'COMMITTING') {
        await tx.update(importJobs).set({ status: 'VALIDATED', progress: 100, message: IMPORT_INTERRUPTED_MESSAGE, updatedAt: now }).where(eq(importJobs.id, job.id));
      } else {
        await tx.delete(importRows).where(eq(importRows.jobId, job.id));
        await tx
          .update(importJobs)
          .set({ status: 'FAILED', file: null, message: '导入被中断（服务重启），没有写入任何数据，请重新上传', updatedAt: now })
          .where(eq(importJobs.id, job.id));
      }
      await writeAudit(tx, ctx, null, {
        action: 'IMPORT_INTERRUPTED',
        result: 'FAILED',
        objectType: 'import',
        objectId: job.id,
        objectLabel: job.fileName,
        orgPath: job.scopePath,
        reason: job.status === 'COMMITTING' ? '提交被中断（服务重启），事务已回滚，可重新提交' : '读取被中断（服务重启）',
      });
      return true;
    });
    if (done) recovered.push(job.id);
  }
  return recovered;
}
