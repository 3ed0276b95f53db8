import { and, asc, eq, isNull, sql } from 'drizzle-orm';
import type { CreateOrgRequest, Org, OrgSummary, UpdateOrgRequest } from '../../../contracts/orgs';
import type { Page } from '../../../contracts/common';
import { orgs } from '../../../db/schema';
import { DomainError, assertRule } from '../../../domain/errors';
import {
  checkDeletable,
  checkFullName,
  checkMove,
  checkPlacement,
  computeIsTownship,
  isSchoolDomain,
  needsTransitionBranch,
  orgPermissions,
  transitionBranchFullName,
} from '../../../domain/orgs';
import { SPECIAL_KIND_LABELS } from '../../../domain/enums';
import { graduationPermissions } from '../../../domain/graduation';
import { childPath, pathIds } from '../../../domain/scope';
import { regionExists, regionFullName } from '../../../lib/regions';
import { adminAuditActor, diffFields, refuseOutOfScope, writeAudit } from '../../audit';
import type { AdminActor, AppContext } from '../../context';
import { cappedTotal, plannedRows, type Tx } from '../../../db/client';
import { lockOpenTransfers, moveTransferPaths, openTransferCount } from '../transfers/transfers.repo';
import {
  ancestorNamesFrom,
  countsOf,
  findOrg,
  findOrgInScope,
  gramStats,
  inSubtree,
  isUniqueViolation,
  listChildren,
  moveSubtree,
  namesOf,
  orgNameCandidates,
  orgNameContains,
  orgNameMatches,
  nextOrgId,
  pickGrams,
  queryGrams,
  summaryColumns,
  type OrgRow,
} from './orgs.repo';

const auditActor = adminAuditActor;

/**
 * Loads an org in the actor's scope; otherwise audits the refusal (if it exists) and answers 404.
 * Call it before a change's transaction, never inside one: the refusal is written on its own (it must
 * survive the rollback, and PGlite's single connection would wait for the open transaction forever).
 * Inside the transaction, `lockOrgInScope` then re-reads and locks the row.
 */
export async function orgInScopeOr404(ctx: AppContext, actor: AdminActor, id: number): Promise<OrgRow> {
  const org = await findOrgInScope(ctx.db, id, actor.scope.path);
  if (org) return org;
  return refuseOutOfScope(ctx, actor, 'org', id, async () => (await findOrg(ctx.db, id)) !== null);
}

/**
 * Inside a change's transaction: the org (checked by `orgInScopeOr404` before), locked, still live and
 * in scope. `share` is enough to put something into the org: it keeps a concurrent delete (ORG-7,
 * which locks for update and then counts what is inside) from passing while it is being filled.
 */
export async function lockOrgInScope(tx: Tx, actor: AdminActor, id: number, strength: 'update' | 'share' = 'update'): Promise<OrgRow> {
  const [row] = await tx
    .select()
    .from(orgs)
    .where(and(eq(orgs.id, id), isNull(orgs.deletedAt), inSubtree(orgs.path, actor.scope.path)))
    .for(strength);
  if (!row) throw new DomainError('NOT_FOUND');
  return row;
}

type SummaryRow = Awaited<ReturnType<typeof listChildren>>['items'][number];

function toSummary(row: SummaryRow): OrgSummary {
  const { path: _path, ...rest } = row;
  return rest;
}

async function present(ctx: AppContext, actor: AdminActor, org: OrgRow): Promise<Org> {
  const counts = await countsOf(ctx.db, org);
  // Breadcrumb from the acting org down: ancestors above the caller's scope stay hidden.
  const ids = pathIds(org.path);
  const visible = ids.slice(ids.indexOf(actor.scope.orgId));
  const names = await namesOf(ctx.db, visible);
  return {
    id: org.id,
    parentId: org.parentId,
    name: org.name,
    fullName: org.fullName,
    kind: org.kind,
    leadershipLevel: org.leadershipLevel,
    specialKind: org.specialKind,
    category: org.category,
    industryCategory: org.industryCategory,
    regionCode: org.regionCode,
    regionName: regionFullName(org.regionCode),
    isTownship: org.isTownship,
    schoolCode: org.schoolCode,
    graduationAt: org.graduationAt,
    graduationExemptReason: org.graduationExemptReason,
    contactPhone: org.contactPhone,
    email: org.email,
    depth: org.depth,
    childCount: counts.children,
    memberCount: counts.directMembers,
    subtreeMemberCount: counts.subtreeMembers,
    ancestors: visible.map((id) => ({ id, name: names.get(id) ?? '' })),
    createdAt: org.createdAt.toISOString(),
    updatedAt: org.updatedAt.toISOString(),
    can: { ...orgPermissions(actor.scope, org), ...graduationPermissions({ ...actor.scope, id: actor.scope.orgId }, org) },
  };
}

export async function getOrg(ctx: AppContext, actor: AdminActor, id: number): Promise<Org> {
  return present(ctx, actor, await orgInScopeOr404(ctx, actor, id));
}

export async function getChildren(ctx: AppContext, actor: AdminActor, id: number, page: number, pageSize: number): Promise<Page<OrgSummary>> {
  const parent = await orgInScopeOr404(ctx, actor, id);
  const { items, total } = await listChildren(ctx.database.readDb, parent.id, page, pageSize);
  return { items: items.map(toSummary), total, page, pageSize };
}

/**
 * Name search inside the scope, ranked by depth, then the shorter name, then name and id; each hit
 * shows its path below the acting org (read in the same statement). Two ways to the page, chosen by the gram statistics' estimate
 * of the matches: up to the exact-count limit (10,000) every match is read through the gram index —
 * one scan gives the total and the ranked page; above it the rank index is walked in result order
 * until the page is full (a common term fills it within the first few thousand entries), and the
 * total is counted up to the limit or estimated.
 */
export async function searchOrgs(
  ctx: AppContext,
  actor: AdminActor,
  q: { q: string; kind?: OrgRow['kind']; page: number; pageSize: number },
) {
  const inScope = and(isNull(orgs.deletedAt), inSubtree(orgs.path, actor.scope.path), q.kind ? eq(orgs.kind, q.kind) : undefined);
  const hitColumns = { ...summaryColumns, pathNames: ancestorNamesFrom(pathIds(actor.scope.path).length - 1) };
  const rdb = ctx.database.readDb;
  const grams = pickGrams(queryGrams(q.q), await gramStats(rdb));
  const where = and(inScope, orgNameMatches(q.q, grams));
  const candidates = orgNameCandidates(grams);
  // Without the gram condition, which would be computed for every entry walked (~60 µs each).
  const walkedPage = () =>
    rdb
      .select(hitColumns)
      .from(orgs)
      .where(and(inScope, orgNameContains(q.q)))
      .orderBy(asc(orgs.depth), asc(sql`char_length(${orgs.name})`), asc(orgs.name), asc(orgs.id))
      .limit(q.pageSize)
      .offset((q.page - 1) * q.pageSize);
  const limit = ctx.config.exactCountLimit;
  let items: (SummaryRow & { pathNames: string[] })[];
  let total: number;
  let totalIsEstimate = false;
  // “团支部” matches every branch of a province: the total is counted up to the exact-count limit,
  // like the member list's, and above it estimated from the gram index's statistics.
  const candidateRows = () => rdb.select({ one: sql`1` }).from(orgs).where(candidates ? and(inScope, candidates) : where);
  const estimate = await plannedRows(rdb, candidateRows());
  if (estimate > limit) {
    // Common: the walked page and the capped count (or the estimate alone) side by side.
    const [page, counted] = await Promise.all([walkedPage(), cappedTotal(rdb, rdb.select({ one: sql`1` }).from(orgs).where(where), candidateRows(), limit)]);
    items = page;
    ({ total, totalIsEstimate } = counted);
  } else {
    // Usually a few thousand matches at most: one scan gives both the total (up to the limit) and
    // the page, ranked among the matches it read; the summary columns are read for the page only.
    const m = rdb.$with('m').as(
      rdb.select({ id: orgs.id, depth: orgs.depth, len: sql<number>`char_length(${orgs.name})`.as('len'), name: orgs.name }).from(orgs).where(where).limit(limit + 1),
    );
    const p = rdb.$with('p').as(rdb.select({ pageId: m.id }).from(m).orderBy(asc(m.depth), asc(m.len), asc(m.name), asc(m.id)).limit(q.pageSize).offset((q.page - 1) * q.pageSize));
    const rows = await rdb
      .with(m, p)
      .select({ ...hitColumns, matches: sql<number>`c.n` })
      .from(sql`(SELECT count(*)::int AS n FROM ${m}) AS c`)
      .leftJoin(p, sql`true`)
      .leftJoin(orgs, eq(orgs.id, p.pageId))
      .orderBy(asc(orgs.depth), asc(sql`char_length(${orgs.name})`), asc(orgs.name), asc(orgs.id));
    total = rows[0]?.matches ?? 0;
    if (total <= limit) {
      items = rows.filter((r) => r.id !== null).map(({ matches: _m, ...r }) => r as SummaryRow & { pathNames: string[] });
    } else {
      // More than the limit after all (the statistics missed): a common term, walked.
      items = await walkedPage();
      total = Math.max(estimate, limit + 1);
      totalIsEstimate = true;
    }
  }
  return {
    items: items.map(({ pathNames, ...o }) => ({ ...toSummary(o), pathNames })),
    total,
    totalIsEstimate,
    page: q.page,
    pageSize: q.pageSize,
  };
}

async function insertOrg(tx: Tx, ctx: AppContext, actor: AdminActor, parent: OrgRow, values: Omit<typeof orgs.$inferInsert, 'id' | 'path' | 'depth' | 'parentId'>) {
  const id = await nextOrgId(tx);
  const now = ctx.clock.now();
  try {
    const [row] = await tx
      .insert(orgs)
      .values({ ...values, id, parentId: parent.id, path: childPath(parent.path, id), depth: parent.depth + 1, createdAt: now, updatedAt: now })
      .returning();
    await writeAudit(tx, ctx, auditActor(actor), {
      action: 'ORG_CREATE',
      result: 'OK',
      objectType: 'org',
      objectId: id,
      objectLabel: values.name,
      orgPath: row!.path,
      changes: diffFields({}, { name: values.name, fullName: values.fullName, kind: values.kind, parentId: parent.id }),
    });
    return row!;
  } catch (err) {
    if (isUniqueViolation(err)) throw new DomainError('ORG_9_NAME_TAKEN', `“${parent.name}”下已有名为“${values.name}”或全称相同的组织`);
    throw err;
  }
}

/**
 * Creates an org under ORG-1/2/3/4/9. A township org (ORG-3) gets its 学社衔接临时团支部 in the same
 * transaction, so one never exists without the other.
 */
export async function createOrg(ctx: AppContext, actor: AdminActor, input: CreateOrgRequest): Promise<Org> {
  const parent = await orgInScopeOr404(ctx, actor, input.parentId);
  const child = {
    kind: input.kind,
    leadershipLevel: input.leadershipLevel ?? null,
    specialKind: input.specialKind ?? null,
    industryCategory: input.industryCategory,
    schoolCode: input.schoolCode ?? null,
  };
  assertRule(checkPlacement(parent, child));
  assertRule(checkFullName(input.kind, input.fullName));
  if (input.regionCode && !regionExists(input.regionCode)) throw new DomainError('ORG_8_REGION_UNKNOWN', `行政区划代码“${input.regionCode}”不存在`);
  const regionCode = input.regionCode ?? null;
  const isTownship = computeIsTownship(parent, { kind: input.kind, regionCode });

  const created = await ctx.db.transaction(async (tx) => {
    await lockOrgInScope(tx, actor, parent.id, 'share');
    const org = await insertOrg(tx, ctx, actor, parent, {
      ...child,
      name: input.name,
      fullName: input.fullName,
      regionCode,
      isTownship,
      contactPhone: input.contactPhone ?? null,
      email: input.email ?? null,
    });
    await ensureTransitionBranch(tx, ctx, actor, org);
    return org;
  });
  return present(ctx, actor, created);
}

/**
 * ORG-3: a township org has its 学社衔接临时团支部, whether it became one when created, when its
 * region was corrected or when it was moved under a county-level org. One is enough.
 */
async function ensureTransitionBranch(tx: Tx, ctx: AppContext, actor: AdminActor, org: OrgRow): Promise<void> {
  if (!needsTransitionBranch(org)) return;
  const [existing] = await tx
    .select({ id: orgs.id })
    .from(orgs)
    .where(and(eq(orgs.parentId, org.id), eq(orgs.specialKind, 'TRANSITION'), isNull(orgs.deletedAt)));
  if (existing) return;
  await insertOrg(tx, ctx, actor, org, {
    kind: 'BRANCH',
    leadershipLevel: null,
    specialKind: 'TRANSITION',
    industryCategory: org.industryCategory,
    schoolCode: null,
    name: SPECIAL_KIND_LABELS.TRANSITION,
    fullName: transitionBranchFullName(org.fullName),
    regionCode: org.regionCode,
    isTownship: false,
  });
}

/**
 * ORG-3: the 学社衔接临时团支部 follows its township's 全称 when the township is renamed, unless an
 * admin has given it a 全称 of its own (then it no longer matches the old derived one).
 */
async function renameTransitionBranch(tx: Tx, ctx: AppContext, actor: AdminActor, oldFullName: string, township: OrgRow): Promise<void> {
  const fullName = transitionBranchFullName(township.fullName);
  const renamed = await tx
    .update(orgs)
    .set({ fullName, updatedAt: ctx.clock.now() })
    .where(
      and(
        eq(orgs.parentId, township.id),
        eq(orgs.specialKind, 'TRANSITION'),
        isNull(orgs.deletedAt),
        eq(orgs.fullName, transitionBranchFullName(oldFullName)),
      ),
    )
    .returning({ id: orgs.id, name: orgs.name, path: orgs.path });
  for (const r of renamed) {
    await writeAudit(tx, ctx, auditActor(actor), {
      action: 'ORG_UPDATE',
      result: 'OK',
      objectType: 'org',
      objectId: r.id,
      objectLabel: r.name,
      orgPath: r.path,
      changes: { fullName: { before: transitionBranchFullName(oldFullName), after: fullName } },
    });
  }
}

export async function updateOrg(ctx: AppContext, actor: AdminActor, id: number, patch: UpdateOrgRequest): Promise<Org> {
  await orgInScopeOr404(ctx, actor, id);
  const updated = await ctx.db.transaction(async (tx) => {
    const org = await lockOrgInScope(tx, actor, id);
    if (patch.fullName !== undefined) assertRule(checkFullName(org.kind, patch.fullName));
    if (patch.regionCode && !regionExists(patch.regionCode)) throw new DomainError('ORG_8_REGION_UNKNOWN', `行政区划代码“${patch.regionCode}”不存在`);
    const industry = patch.industryCategory ?? org.industryCategory;
    const schoolCode = patch.schoolCode === undefined ? org.schoolCode : patch.schoolCode;
    if (schoolCode && !isSchoolDomain(industry)) throw new DomainError('ORG_4_SCHOOL_CODE_SCHOOL_ONLY');
    const next: Partial<OrgRow> = { ...patch };
    if (patch.regionCode !== undefined && org.parentId !== null) {
      // ORG-3 is recomputed from the region; corrections of the flag go through REP-2.
      const parent = await findOrg(tx, org.parentId);
      if (parent) next.isTownship = computeIsTownship(parent, { kind: org.kind, regionCode: patch.regionCode });
    }
    const changes = diffFields(org, next);
    if (Object.keys(changes).length === 0) return org;
    let row: OrgRow;
    try {
      [row] = (await tx.update(orgs).set({ ...next, updatedAt: ctx.clock.now() }).where(eq(orgs.id, id)).returning()) as [OrgRow];
    } catch (err) {
      if (isUniqueViolation(err)) throw new DomainError('ORG_9_NAME_TAKEN');
      throw err;
    }
    await writeAudit(tx, ctx, auditActor(actor), { action: 'ORG_UPDATE', result: 'OK', objectType: 'org', objectId: id, objectLabel: row.name, orgPath: row.path, changes });
    if (row.fullName !== org.fullName) await renameTransitionBranch(tx, ctx, actor, org.fullName, row);
    await ensureTransitionBranch(tx, ctx, actor, row);
    return row;
  });
  return present(ctx, actor, updated);
}

/** Moves an org and everything below it under a new parent, both inside the actor's scope. */
export async function moveOrg(ctx: AppContext, actor: AdminActor, id: number, newParentId: number): Promise<Org> {
  const checked = await orgInScopeOr404(ctx, actor, id);
  if (checked.id === actor.scope.orgId) throw new DomainError('ORG_ROOT_IMMUTABLE');
  await orgInScopeOr404(ctx, actor, newParentId);
  const moved = await ctx.db.transaction(async (tx) => {
    // The open transfers touching the subtree before any org, as an approval takes them (`lockOpenTransfers`).
    await lockOpenTransfers(tx, checked.path);
    // Lock both ends (in id order) so two concurrent moves cannot create a cycle.
    await tx.execute(sql`SELECT id FROM orgs WHERE id IN (${id}, ${newParentId}) ORDER BY id FOR UPDATE`);
    const org = await lockOrgInScope(tx, actor, id);
    // Moved meanwhile with an ancestor: the transfers above were looked up under its old path. Taken
    // now, after the orgs, they could deadlock with an approval as before, in this rarer race only.
    if (org.path !== checked.path) await lockOpenTransfers(tx, org.path);
    const newParent = await lockOrgInScope(tx, actor, newParentId);
    assertRule(checkMove(org, newParent));
    // FOR UPDATE of the whole subtree (the UPDATE below alone would take a weaker lock): the one lock
    // that conflicts with the key share under which members are placed (`placementTargets`).
    await tx.execute(sql`SELECT id FROM orgs WHERE ${inSubtree(orgs.path, org.path)} ORDER BY id FOR UPDATE`);
    const now = ctx.clock.now();
    let result;
    try {
      result = await moveSubtree(tx, org, newParent, now);
      await moveTransferPaths(tx, org.path, `${newParent.path}${org.id}/`);
    } catch (err) {
      if (isUniqueViolation(err)) throw new DomainError('ORG_9_NAME_TAKEN', `“${newParent.name}”下已有同名组织`);
      throw err;
    }
    const isTownship = computeIsTownship(newParent, org);
    const [row] = await tx.update(orgs).set({ isTownship }).where(eq(orgs.id, org.id)).returning();
    await ensureTransitionBranch(tx, ctx, actor, row!);
    // Logged under the new location and the old one, so the admins of the old parent see what left them.
    for (const [orgPath, reason] of [
      [row!.path, `移动了${result.orgs}个组织、${result.members}名团员`],
      [org.path, `移出到“${newParent.name}”`],
    ] as const) {
      await writeAudit(tx, ctx, auditActor(actor), {
        action: 'ORG_MOVE',
        result: 'OK',
        objectType: 'org',
        objectId: org.id,
        objectLabel: org.name,
        orgPath,
        changes: { parentId: { before: org.parentId, after: newParent.id } },
        reason,
      });
    }
    return row!;
  });
  return present(ctx, actor, moved);
}

/** ORG-7: deleted only when empty; the row stays (deletedAt) so history keeps its names. */
export async function deleteOrg(ctx: AppContext, actor: AdminActor, id: number): Promise<void> {
  const checked = await orgInScopeOr404(ctx, actor, id);
  if (checked.id === actor.scope.orgId) throw new DomainError('ORG_ROOT_IMMUTABLE');
  await ctx.db.transaction((tx) => deleteOrgIn(tx, ctx, actor, id));
}

/** ORG-7 inside the caller's transaction (a batch deletes all or nothing): lock, count, refuse or delete. */
export async function deleteOrgIn(tx: Tx, ctx: AppContext, actor: AdminActor, id: number): Promise<void> {
  const org = await lockOrgInScope(tx, actor, id);
  const counts = await countsOf(tx, org);
  const openTransfers = await openTransferCount(tx, org.path);
  const check = checkDeletable({ children: counts.children, members: counts.subtreeMembers, openTransfers, activeCadres: counts.activeCadres });
  if (!check.ok) throw new DomainError(check.code, `“${org.name}”：${check.message}`);
  await tx.update(orgs).set({ deletedAt: ctx.clock.now() }).where(eq(orgs.id, org.id));
  await writeAudit(tx, ctx, auditActor(actor), { action: 'ORG_DELETE', result: 'OK', objectType: 'org', objectId: org.id, objectLabel: org.name, orgPath: org.path });
}

