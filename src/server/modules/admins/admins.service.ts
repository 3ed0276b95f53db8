import { and, asc, count, eq, isNull, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { Admin } from '../../../contracts/cadres';
import type { Page } from '../../../contracts/common';
import { outer, type Executor } from '../../../db/client';
import { adminGrants, cadrePositions, orgs, persons } from '../../../db/schema';
import { adminPermissions } from '../../../domain/cadres';
import { DomainError } from '../../../domain/errors';
import { adminAuditActor, refuseOutOfScope, writeAudit } from '../../audit';
import type { AdminActor, AppContext } from '../../context';
import { revokeSessionsOf } from '../auth/session-store';
import { inSubtree } from '../orgs/orgs.repo';
import { lockOrgInScope, orgInScopeOr404 } from '../orgs/orgs.service';
import { ensureAccount } from '../people/persons';

const auditActor = adminAuditActor;
const granter = alias(persons, 'granter');
const revoker = alias(persons, 'revoker');

function selectAdmins(ex: Executor) {
  return ex
    .select({
      id: adminGrants.id,
      personId: adminGrants.personId,
      orgId: adminGrants.orgId,
      orgName: orgs.name,
      orgPath: orgs.path,
      name: persons.name,
      idNumber: persons.idNumberMasked,
      phone: persons.phoneMasked,
      position: sql<string | null>`(SELECT c.position FROM cadre_positions c WHERE c.person_id = ${outer(adminGrants.personId)} AND c.org_id = ${outer(adminGrants.orgId)} AND c.ended_at IS NULL LIMIT 1)`,
      grantedAt: adminGrants.grantedAt,
      grantedByName: granter.name,
      revokedAt: adminGrants.revokedAt,
      revokedByName: revoker.name,
    })
    .from(adminGrants)
    .innerJoin(persons, eq(persons.id, adminGrants.personId))
    .innerJoin(orgs, eq(orgs.id, adminGrants.orgId))
    .leftJoin(granter, eq(granter.id, adminGrants.grantedBy))
    .leftJoin(revoker, eq(revoker.id, adminGrants.revokedBy));
}
type AdminRow = Awaited<ReturnType<typeof selectAdmins>>[number];

function present(r: AdminRow, actor: AdminActor): Admin {
  const { orgPath: _p, ...rest } = r;
  const revokedAt = r.revokedAt?.toISOString() ?? null;
  return {
    ...rest,
    grantedAt: r.grantedAt.toISOString(),
    revokedAt,
    can: adminPermissions({ personId: r.personId, orgId: r.orgId, revokedAt }, { personId: actor.personId, orgId: actor.scope.orgId }),
  };
}

export async function listAdmins(
  ctx: AppContext,
  actor: AdminActor,
  q: { orgId?: number; includeRevoked?: boolean; page: number; pageSize: number },
): Promise<Page<Admin>> {
  const org = await orgInScopeOr404(ctx, actor, q.orgId ?? actor.scope.orgId);
  const where = and(eq(adminGrants.orgId, org.id), q.includeRevoked ? undefined : isNull(adminGrants.revokedAt));
  const [items, [total]] = await Promise.all([
    selectAdmins(ctx.db)
      .where(where)
      .orderBy(sql`${adminGrants.revokedAt} IS NOT NULL`, asc(adminGrants.grantedAt), asc(adminGrants.id))
      .limit(q.pageSize)
      .offset((q.page - 1) * q.pageSize),
    ctx.db.select({ n: count() }).from(adminGrants).where(where),
  ]);
  return { items: items.map((r) => present(r, actor)), total: total?.n ?? 0, page: q.page, pageSize: q.pageSize };
}

/**
 * ADM-1 管理员变更: the org's admin or an admin above it makes one of the org's current cadres an
 * admin; the account is created on the spot with the MEM-6 defaults.
 */
export async function grantAdmin(ctx: AppContext, actor: AdminActor, input: { orgId: number; personId: number }): Promise<Admin> {
  const now = ctx.clock.now();
  await orgInScopeOr404(ctx, actor, input.orgId);
  const grantId = await ctx.db.transaction(async (tx) => {
    const org = await lockOrgInScope(tx, actor, input.orgId, 'share');
    const [cadre] = await tx
      .select({ id: cadrePositions.id, name: persons.name, idNumber: persons.idNumberMasked })
      .from(cadrePositions)
      .innerJoin(persons, eq(persons.id, cadrePositions.personId))
      .where(and(eq(cadrePositions.personId, input.personId), eq(cadrePositions.orgId, org.id), isNull(cadrePositions.endedAt)));
    if (!cadre) throw new DomainError('ADM_1_NOT_CADRE');
    const [existing] = await tx
      .select({ id: adminGrants.id })
      .from(adminGrants)
      .where(and(eq(adminGrants.personId, input.personId), eq(adminGrants.orgId, org.id), isNull(adminGrants.revokedAt)));
    if (existing) throw new DomainError('ADM_1_ALREADY_ADMIN');
    const [grant] = await tx
      .insert(adminGrants)
      .values({ personId: input.personId, orgId: org.id, grantedBy: actor.personId, grantedAt: now })
      .returning({ id: adminGrants.id });
    await ensureAccount(tx, input.personId, now);
    await writeAudit(tx, ctx, auditActor(actor), {
      action: 'ADMIN_GRANT',
      result: 'OK',
      objectType: 'admin',
      objectId: grant!.id,
      objectLabel: `${cadre.name}（${cadre.idNumber}）任${org.name}管理员`,
      orgPath: org.path,
    });
    return grant!.id;
  });
  const [row] = await selectAdmins(ctx.db).where(eq(adminGrants.id, grantId));
  return present(row!, actor);
}

/** Revokes an admin grant; the person's sessions end at once (SEC-2). */
export async function revokeAdmin(ctx: AppContext, actor: AdminActor, grantId: number): Promise<Admin> {
  const now = ctx.clock.now();
  const inScope = and(eq(adminGrants.id, grantId), inSubtree(orgs.path, actor.scope.path));
  const [visible] = await selectAdmins(ctx.db).where(inScope);
  if (!visible) {
    await refuseOutOfScope(ctx, actor, 'admin', grantId, async () => (await ctx.db.select({ id: adminGrants.id }).from(adminGrants).where(eq(adminGrants.id, grantId))).length > 0);
  }
  await ctx.db.transaction(async (tx) => {
    // Lock first, then read: a concurrent revoke is seen, not repeated.
    await tx.select({ id: adminGrants.id }).from(adminGrants).where(eq(adminGrants.id, grantId)).for('update');
    const [grant] = await selectAdmins(tx).where(inScope);
    if (!grant) throw new DomainError('NOT_FOUND');
    if (grant.revokedAt) throw new DomainError('ADM_1_ALREADY_REVOKED');
    if (grant.personId === actor.personId && grant.orgId === actor.scope.orgId) throw new DomainError('ADM_1_SELF_REVOKE');
    await tx.update(adminGrants).set({ revokedAt: now, revokedBy: actor.personId }).where(and(eq(adminGrants.id, grantId), isNull(adminGrants.revokedAt)));
    await revokeSessionsOf(tx, grant.personId, now);
    await writeAudit(tx, ctx, auditActor(actor), {
      action: 'ADMIN_REVOKE',
      result: 'OK',
      objectType: 'admin',
      objectId: grantId,
      objectLabel: `${grant.name}（${grant.idNumber}）不再任${grant.orgName}管理员`,
      orgPath: grant.orgPath,
    });
  });
  const [row] = await selectAdmins(ctx.db).where(eq(adminGrants.id, grantId));
  return present(row!, actor);
}
