import { and, asc, count, desc, eq, isNull, sql } from 'drizzle-orm';
import type { Cadre, CreateCadreRequest } from '../../../contracts/cadres';
import type { Page } from '../../../contracts/common';
import { outer, type Executor, type Tx } from '../../../db/client';
import { cadrePositions, orgs, persons } from '../../../db/schema';
import { cadrePermissions, checkCadrePost } from '../../../domain/cadres';
import { chinaDate } from '../../../domain/dates';
import type { CadreNature } from '../../../domain/enums';
import { DomainError, assertRule } from '../../../domain/errors';
import { maskIdNumber } from '../../../domain/masking';
import { adminAuditActor, refuseOutOfScope, writeAudit } from '../../audit';
import type { AdminActor, AppContext } from '../../context';
import { inSubtree } from '../orgs/orgs.repo';
import { lockOrgInScope, orgInScopeOr404 } from '../orgs/orgs.service';
import { findOrCreatePerson, personConflict, validIdNumberOrThrow } from '../people/persons';
import { activePosition } from './cadres.repo';

const auditActor = adminAuditActor;

const isAdminSql = sql<boolean>`EXISTS (SELECT 1 FROM admin_grants g WHERE g.person_id = ${outer(cadrePositions.personId)} AND g.org_id = ${outer(cadrePositions.orgId)} AND g.revoked_at IS NULL)`;

function selectCadres(ex: Executor) {
  return ex
    .select({
      id: cadrePositions.id,
      personId: cadrePositions.personId,
      orgId: cadrePositions.orgId,
      orgName: orgs.name,
      orgKind: orgs.kind,
      orgPath: orgs.path,
      name: persons.name,
      idNumber: persons.idNumberMasked,
      phone: persons.phoneMasked,
      position: cadrePositions.position,
      nature: cadrePositions.nature,
      startedAt: cadrePositions.startedAt,
      endedAt: cadrePositions.endedAt,
      endNote: cadrePositions.endNote,
      previousId: cadrePositions.previousId,
      isAdmin: isAdminSql,
    })
    .from(cadrePositions)
    .innerJoin(persons, eq(persons.id, cadrePositions.personId))
    .innerJoin(orgs, eq(orgs.id, cadrePositions.orgId));
}
type CadreRow = Awaited<ReturnType<typeof selectCadres>>[number];

function present(row: CadreRow): Cadre {
  const { orgPath: _p, ...rest } = row;
  return { ...rest, can: cadrePermissions(row) };
}

/** CAD-3: a post's dates keep the history in order: never in the future, never before the post they follow. */
function checkPostDate(field: 'startedAt' | 'endedAt', date: string, today: string, notBefore?: string): void {
  const message =
    date > today ? '日期不能晚于今天' : notBefore && date < notBefore ? `日期不能早于现任职务的开始日期（${notBefore}）` : null;
  if (message) throw new DomainError('VALIDATION_FAILED', message, [{ field, message }]);
}

function findCadreInScope(ex: Executor, actor: AdminActor, id: number) {
  return selectCadres(ex).where(and(eq(cadrePositions.id, id), inSubtree(orgs.path, actor.scope.path)));
}

/**
 * A cadre post in the actor's scope; otherwise the refusal is audited (when the post exists elsewhere)
 * and the answer is a 404, as for a missing one (SEC-1, SEC-3). Called outside a change's transaction.
 */
async function cadreInScopeOr404(ctx: AppContext, actor: AdminActor, id: number): Promise<CadreRow> {
  const [row] = await findCadreInScope(ctx.db, actor, id);
  if (row) return row;
  return refuseOutOfScope(ctx, actor, 'cadre', id, async () => (await ctx.db.select({ id: cadrePositions.id }).from(cadrePositions).where(eq(cadrePositions.id, id))).length > 0);
}

/** Inside a change's transaction: locks the post first, then reads it (a concurrent change is seen, not overwritten). */
async function lockCadreInScope(tx: Tx, actor: AdminActor, id: number): Promise<CadreRow> {
  await tx.select({ id: cadrePositions.id }).from(cadrePositions).where(eq(cadrePositions.id, id)).for('update');
  const [row] = await findCadreInScope(tx, actor, id);
  if (!row) throw new DomainError('NOT_FOUND');
  return row;
}

export async function listCadres(
  ctx: AppContext,
  actor: AdminActor,
  q: { orgId?: number; includeEnded?: boolean; page: number; pageSize: number },
): Promise<Page<Cadre>> {
  const org = await orgInScopeOr404(ctx, actor, q.orgId ?? actor.scope.orgId);
  const where = and(eq(cadrePositions.orgId, org.id), q.includeEnded ? undefined : isNull(cadrePositions.endedAt));
  const [items, [total]] = await Promise.all([
    selectCadres(ctx.db)
      .where(where)
      .orderBy(sql`${cadrePositions.endedAt} IS NOT NULL`, asc(cadrePositions.startedAt), asc(cadrePositions.id))
      .limit(q.pageSize)
      .offset((q.page - 1) * q.pageSize),
    ctx.db.select({ n: count() }).from(cadrePositions).where(where),
  ]);
  return { items: items.map(present), total: total?.n ?? 0, page: q.page, pageSize: q.pageSize };
}

/** CAD-1/CAD-2: enters a 本级团干部 of a committee or leadership organ. */
export async function createCadre(ctx: AppContext, actor: AdminActor, input: CreateCadreRequest): Promise<Cadre> {
  const now = ctx.clock.now();
  const today = chinaDate(now);
  const org = await orgInScopeOr404(ctx, actor, input.orgId);
  if (org.kind === 'BRANCH') throw new DomainError('CAD_1_BRANCH_CADRE_VIA_MEMBER');
  assertRule(checkCadrePost(org.kind, input.position, input.nature));
  const id = validIdNumberOrThrow(input.idNumber, today);
  if (input.startedAt) checkPostDate('startedAt', input.startedAt, today);
  const cadreId = await ctx.db
    .transaction(async (tx) => {
      await lockOrgInScope(tx, actor, org.id, 'share');
      const { person } = await findOrCreatePerson(tx, ctx, { name: input.name, idNumber: id.value, birthDate: id.birthDate, gender: id.gender, phone: input.phone });
      if (await activePosition(tx, person.id, org.id)) throw new DomainError('CAD_1_ALREADY_CADRE');
      const [row] = await tx
        .insert(cadrePositions)
        .values({ personId: person.id, orgId: org.id, position: input.position, nature: input.nature ?? null, startedAt: input.startedAt ?? today })
        .returning({ id: cadrePositions.id });
      await writeAudit(tx, ctx, auditActor(actor), {
        action: 'CADRE_CREATE',
        result: 'OK',
        objectType: 'cadre',
        objectId: row!.id,
        objectLabel: `${input.name}（${maskIdNumber(id.value)}）`,
        orgPath: org.path,
        changes: { position: { before: null, after: input.position }, nature: { before: null, after: input.nature ?? null } },
      });
      return row!.id;
    })
    .catch((err: unknown) => {
      throw personConflict(err) ?? err;
    });
  const [created] = await findCadreInScope(ctx.db, actor, cadreId);
  return present(created!);
}

/** CAD-3: 职务变更 ends the current post and starts the new one linked to it. */
export async function changeCadrePosition(
  ctx: AppContext,
  actor: AdminActor,
  id: number,
  input: { position: string; nature?: CadreNature | null; startedAt?: string; note?: string | null },
): Promise<Cadre> {
  const today = chinaDate(ctx.clock.now());
  await cadreInScopeOr404(ctx, actor, id);
  const newId = await ctx.db.transaction(async (tx) => {
    const current = await lockCadreInScope(tx, actor, id);
    if (current.orgKind === 'BRANCH') throw new DomainError('CAD_1_BRANCH_CADRE_VIA_MEMBER');
    if (current.endedAt) throw new DomainError('CAD_3_POSITION_ENDED');
    const nature = input.nature === undefined ? current.nature : input.nature;
    assertRule(checkCadrePost(current.orgKind, input.position, nature));
    if (input.position === current.position && nature === current.nature) throw new DomainError('CAD_3_SAME_POSITION');
    const startedAt = input.startedAt ?? today;
    checkPostDate('startedAt', startedAt, today, current.startedAt);
    await tx.update(cadrePositions).set({ endedAt: startedAt, endNote: input.note ?? '职务变更' }).where(eq(cadrePositions.id, id));
    const [row] = await tx
      .insert(cadrePositions)
      .values({ personId: current.personId, orgId: current.orgId, position: input.position, nature, startedAt, previousId: id })
      .returning({ id: cadrePositions.id });
    await writeAudit(tx, ctx, auditActor(actor), {
      action: 'CADRE_CHANGE',
      result: 'OK',
      objectType: 'cadre',
      objectId: row!.id,
      objectLabel: `${current.name}（${current.idNumber}）`,
      orgPath: current.orgPath,
      changes: { position: { before: current.position, after: input.position }, nature: { before: current.nature, after: nature } },
      reason: input.note ?? undefined,
    });
    return row!.id;
  });
  const [created] = await findCadreInScope(ctx.db, actor, newId);
  return present(created!);
}

/** Ends a post (卸任); an admin of the org must first lose the admin grant (ADM-1 needs a cadre). */
export async function endCadre(ctx: AppContext, actor: AdminActor, id: number, input: { endedAt?: string; note?: string | null }): Promise<Cadre> {
  const today = chinaDate(ctx.clock.now());
  await cadreInScopeOr404(ctx, actor, id);
  await ctx.db.transaction(async (tx) => {
    const current = await lockCadreInScope(tx, actor, id);
    if (current.orgKind === 'BRANCH') throw new DomainError('CAD_1_BRANCH_CADRE_VIA_MEMBER');
    if (current.endedAt) throw new DomainError('CAD_3_POSITION_ENDED');
    if (current.isAdmin) throw new DomainError('CAD_3_IS_ADMIN');
    checkPostDate('endedAt', input.endedAt ?? today, today, current.startedAt);
    await tx.update(cadrePositions).set({ endedAt: input.endedAt ?? today, endNote: input.note ?? '卸任' }).where(eq(cadrePositions.id, id));
    await writeAudit(tx, ctx, auditActor(actor), {
      action: 'CADRE_END',
      result: 'OK',
      objectType: 'cadre',
      objectId: id,
      objectLabel: `${current.name}（${current.idNumber}）`,
      orgPath: current.orgPath,
      changes: { endedAt: { before: null, after: input.endedAt ?? today } },
      reason: input.note ?? undefined,
    });
  });
  const [ended] = await findCadreInScope(ctx.db, actor, id);
  return present(ended!);
}

/** CAD-3: every post this person has held in this org, newest first. */
export async function cadreHistory(ctx: AppContext, actor: AdminActor, id: number): Promise<Cadre[]> {
  const current = await cadreInScopeOr404(ctx, actor, id);
  const rows = await selectCadres(ctx.db)
    .where(and(eq(cadrePositions.personId, current.personId), eq(cadrePositions.orgId, current.orgId)))
    .orderBy(desc(cadrePositions.startedAt), desc(cadrePositions.id));
  return rows.map(present);
}
