import { and, desc, eq, sql } from 'drizzle-orm';
import { rows as queryRows, type Executor, type Tx } from '../../../db/client';
import { devNumberRanges, devNumberVoids, orgs } from '../../../db/schema';
import { DomainError, assertRule } from '../../../domain/errors';
import { isWithin } from '../../../domain/scope';
import { checkRange, issuesFreshRanges, rangeContains, rangeSize, rangesOverlap, type DevVoidReason } from '../../../domain/supervision';
import { adminAuditActor, refuseOutOfScope, writeAudit } from '../../audit';
import type { AdminActor, AppContext } from '../../context';
import { inSubtree } from '../orgs/orgs.repo';
import { orgInScopeOr404 } from '../orgs/orgs.service';

type RangeRow = typeof devNumberRanges.$inferSelect;

async function present(ex: Executor, list: RangeRow[]) {
  if (list.length === 0) return [];
  const ids = [...new Set(list.flatMap((r) => [r.issuerOrgId, r.recipientOrgId]))];
  const counts = await queryRows<{ id: number; name: string }>(ex, sql`SELECT id, name FROM orgs WHERE id IN ${ids}`);
  const names = new Map(counts.map((c) => [c.id, c.name]));
  const usage = await queryRows<{ id: number; used: number; explained: number }>(
    ex,
    sql`SELECT r.id,
          (SELECT count(*)::int FROM members m WHERE length(m.development_number) = 12 AND m.development_number >= r.start_number AND m.development_number <= r.end_number) AS used,
          (SELECT count(*)::int FROM dev_number_voids v WHERE v.number >= r.start_number AND v.number <= r.end_number) AS explained
        FROM dev_number_ranges r WHERE r.id IN ${list.map((r) => r.id)}`,
  );
  const byId = new Map(usage.map((u) => [u.id, u]));
  return list.map((r) => ({
    id: r.id,
    issuerOrgId: r.issuerOrgId,
    issuerName: names.get(r.issuerOrgId) ?? '',
    recipientOrgId: r.recipientOrgId,
    recipientName: names.get(r.recipientOrgId) ?? '',
    start: r.startNumber,
    end: r.endNumber,
    size: r.size,
    used: byId.get(r.id)?.used ?? 0,
    explained: byId.get(r.id)?.explained ?? 0,
    issuedAt: r.issuedAt.toISOString(),
  }));
}

/** DEV-1: the ranges the acting org received and the ones it issued below. */
export async function listRanges(ctx: AppContext, actor: AdminActor) {
  const [received, issued] = await Promise.all([
    ctx.db.select().from(devNumberRanges).where(eq(devNumberRanges.recipientOrgId, actor.scope.orgId)).orderBy(devNumberRanges.startNumber),
    ctx.db.select().from(devNumberRanges).where(eq(devNumberRanges.issuerOrgId, actor.scope.orgId)).orderBy(devNumberRanges.startNumber),
  ]);
  return {
    received: await present(ctx.db, received),
    issued: await present(ctx.db, issued),
    canIssueFresh: issuesFreshRanges(actor.scope),
  };
}

/**
 * DEV-1: issues a range to a direct subordinate. A provincial (or national) organ creates fresh
 * ranges that overlap no other fresh range; every other org hands down part of a range it received,
 * never overlapping what it already handed down.
 */
export async function issueRange(ctx: AppContext, actor: AdminActor, input: { recipientOrgId: number; start: string; end: string }) {
  const range = { start: input.start, end: input.end };
  assertRule(checkRange(range));
  const recipient = await orgInScopeOr404(ctx, actor, input.recipientOrgId);
  if (recipient.parentId !== actor.scope.orgId) throw new DomainError('DEV_1_NOT_DIRECT_CHILD');
  const now = ctx.clock.now();
  const id = await ctx.db.transaction(async (tx) => {
    // One issuer at a time: the overlap checks below must see every committed range.
    await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtext('dev_number_ranges'))`);
    const received = await tx.select().from(devNumberRanges).where(eq(devNumberRanges.recipientOrgId, actor.scope.orgId));
    const holds = received.some((r) => rangeContains({ start: r.startNumber, end: r.endNumber }, range));
    if (!holds && !issuesFreshRanges(actor.scope)) throw new DomainError('DEV_1_NOT_HELD');
    const siblings = holds
      ? await tx.select().from(devNumberRanges).where(eq(devNumberRanges.issuerOrgId, actor.scope.orgId))
      : await freshRanges(tx);
    if (siblings.some((r) => rangesOverlap({ start: r.startNumber, end: r.endNumber }, range))) throw new DomainError('DEV_1_OVERLAP');
    const [row] = await tx
      .insert(devNumberRanges)
      .values({
        issuerOrgId: actor.scope.orgId,
        recipientOrgId: recipient.id,
        recipientPath: recipient.path,
        startNumber: range.start,
        endNumber: range.end,
        size: rangeSize(range),
        issuedBy: actor.personId,
        issuedAt: now,
      })
      .returning({ id: devNumberRanges.id });
    await writeAudit(tx, ctx, adminAuditActor(actor), {
      action: 'DEV_RANGE_ISSUE',
      result: 'OK',
      objectType: 'org',
      objectId: recipient.id,
      objectLabel: `${recipient.name} ${range.start}–${range.end}`,
      orgPath: recipient.path,
      changes: { range: { before: null, after: `${range.start}-${range.end}` } },
    });
    return row!.id;
  });
  const [row] = await ctx.db.select().from(devNumberRanges).where(eq(devNumberRanges.id, id));
  return (await present(ctx.db, [row!]))[0]!;
}

/** Ranges created by a top issuer (not handed down from a range it received). */
async function freshRanges(tx: Tx) {
  return tx
    .select()
    .from(devNumberRanges)
    .where(
      sql`NOT EXISTS (SELECT 1 FROM dev_number_ranges p WHERE p.recipient_org_id = ${devNumberRanges.issuerOrgId}
            AND p.start_number <= ${devNumberRanges.startNumber} AND ${devNumberRanges.endNumber} <= p.end_number)`,
    );
}

/** The range received by the acting org or an org below it that holds `number`, lowest first. */
async function rangeInScopeHolding(ex: Executor, actor: AdminActor, number: string) {
  const [row] = await ex
    .select()
    .from(devNumberRanges)
    .where(and(inSubtree(devNumberRanges.recipientPath, actor.scope.path), sql`${devNumberRanges.startNumber} <= ${number}`, sql`${number} <= ${devNumberRanges.endNumber}`))
    .orderBy(desc(sql`length(${devNumberRanges.recipientPath})`))
    .limit(1);
  return row ?? null;
}

/** DEV-2: an unused number is registered with its reason and so reported to every level above. */
export async function registerVoid(ctx: AppContext, actor: AdminActor, input: { number: string; reason: DevVoidReason; note?: string | null }) {
  const now = ctx.clock.now();
  await ctx.db.transaction(async (tx) => {
    const range = await rangeInScopeHolding(tx, actor, input.number);
    if (!range) throw new DomainError('DEV_2_NOT_IN_RANGE');
    const [used] = await queryRows<{ n: number }>(tx, sql`SELECT count(*)::int AS n FROM members WHERE development_number = ${input.number}`);
    if ((used?.n ?? 0) > 0) throw new DomainError('DEV_2_NUMBER_USED');
    const [org] = await tx.select({ id: orgs.id, path: orgs.path, name: orgs.name }).from(orgs).where(eq(orgs.id, range.recipientOrgId));
    const inserted = await tx
      .insert(devNumberVoids)
      .values({ number: input.number, orgId: org!.id, orgPath: org!.path, reason: input.reason, note: input.note ?? null, registeredBy: actor.personId, registeredAt: now })
      .onConflictDoNothing()
      .returning({ number: devNumberVoids.number });
    if (inserted.length === 0) throw new DomainError('DEV_2_ALREADY_EXPLAINED');
    await writeAudit(tx, ctx, adminAuditActor(actor), {
      action: 'DEV_NUMBER_VOID',
      result: 'OK',
      objectType: 'org',
      objectId: org!.id,
      objectLabel: `${org!.name} 发展团员编号 ${input.number}`,
      orgPath: org!.path,
      changes: { reason: { before: null, after: input.reason } },
      reason: input.note ?? undefined,
    });
  });
  return listVoids(ctx, actor, { page: 1, pageSize: 20 });
}

export async function listVoids(ctx: AppContext, actor: AdminActor, q: { page: number; pageSize: number }) {
  const where = inSubtree(devNumberVoids.orgPath, actor.scope.path);
  const [items, [total]] = await Promise.all([
    ctx.db
      .select({ v: devNumberVoids, orgName: orgs.name })
      .from(devNumberVoids)
      .innerJoin(orgs, eq(orgs.id, devNumberVoids.orgId))
      .where(where)
      .orderBy(devNumberVoids.number)
      .limit(q.pageSize)
      .offset((q.page - 1) * q.pageSize),
    queryRows<{ n: number }>(ctx.db, sql`SELECT count(*)::int AS n FROM dev_number_voids WHERE ${where}`),
  ]);
  return {
    items: items.map(({ v, orgName }) => ({ number: v.number, orgId: v.orgId, orgName, reason: v.reason as DevVoidReason, note: v.note, registeredAt: v.registeredAt.toISOString() })),
    total: total?.n ?? 0,
    page: q.page,
    pageSize: q.pageSize,
  };
}

/** The first unused, unexplained numbers of a range the acting org (or an org below) received. */
export async function unusedNumbers(ctx: AppContext, actor: AdminActor, rangeId: number) {
  const [range] = await ctx.db
    .select()
    .from(devNumberRanges)
    .where(and(eq(devNumberRanges.id, rangeId), inSubtree(devNumberRanges.recipientPath, actor.scope.path)));
  if (!range) {
    return refuseOutOfScope(ctx, actor, 'dev_number_range', rangeId, async () => (await ctx.db.select({ id: devNumberRanges.id }).from(devNumberRanges).where(eq(devNumberRanges.id, rangeId))).length > 0);
  }
  const limit = 200;
  const list = await queryRows<{ n: string }>(
    ctx.db,
    sql`SELECT lpad(g::text, 8, '0') AS n FROM generate_series(${Number(range.startNumber.slice(4))}::int, ${Number(range.endNumber.slice(4))}::int) g
         WHERE NOT EXISTS (SELECT 1 FROM members m WHERE m.development_number = ${range.startNumber.slice(0, 4)} || lpad(g::text, 8, '0'))
           AND NOT EXISTS (SELECT 1 FROM dev_number_voids v WHERE v.number = ${range.startNumber.slice(0, 4)} || lpad(g::text, 8, '0'))
         ORDER BY g LIMIT ${limit + 1}`,
  );
  const numbers = list.slice(0, limit).map((r) => `${range.startNumber.slice(0, 4)}${r.n}`);
  return { numbers, truncated: list.length > limit };
}

/**
 * DEV-1 hook, called once where a member is created: a number from a range issued to another part
 * of the tree, or one registered as unused, is refused. Numbers outside every issued range (older
 * records, ranges not yet in the system) pass; DEV-3 checks their format and uniqueness.
 */
export async function assertDevNumberUsable(ex: Executor, number: string | null | undefined, branchPath: string): Promise<void> {
  if (!number || !/^\d{12}$/.test(number)) return;
  const holders = await queryRows<{ path: string }>(
    ex,
    sql`SELECT recipient_path AS path FROM dev_number_ranges WHERE start_number <= ${number} AND ${number} <= end_number`,
  );
  if (holders.length > 0 && !holders.some((h) => isWithin(branchPath, h.path))) throw new DomainError('DEV_1_NUMBER_NOT_YOURS');
  const voided = await queryRows<{ n: number }>(ex, sql`SELECT 1 AS n FROM dev_number_voids WHERE number = ${number}`);
  if (voided.length > 0) throw new DomainError('DEV_1_NUMBER_VOIDED');
}
