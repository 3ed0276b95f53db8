import { and, asc, eq, isNull } from 'drizzle-orm';
import type { MyProfile } from '../../../contracts/me';
import type { UpdateMyProfileRequest } from '../../../contracts/members';
import { cadrePositions, members, orgs } from '../../../db/schema';
import { chinaDate } from '../../../domain/dates';
import { DomainError } from '../../../domain/errors';
import type { Actor, AppContext } from '../../context';
import { findMemberById, findMemberByPerson } from '../members/members.repo';
import { applyRecordChanges, presentMember } from '../members/members.service';
import { personConflict } from '../people/persons';

/** 个人中心: the caller's own record (masked like everywhere else) and their cadre posts. */
export async function getMyProfile(ctx: AppContext, actor: Actor): Promise<MyProfile> {
  const [row, posts] = await Promise.all([
    findMemberByPerson(ctx.db, actor.personId),
    ctx.db
      .select({ orgName: orgs.name, position: cadrePositions.position, startedAt: cadrePositions.startedAt })
      .from(cadrePositions)
      .innerJoin(orgs, eq(orgs.id, cadrePositions.orgId))
      .where(and(eq(cadrePositions.personId, actor.personId), isNull(cadrePositions.endedAt)))
      .orderBy(asc(cadrePositions.startedAt)),
  ]);
  if (!row) return { member: null, cadrePositions: posts };
  const { can: _adminActions, ...member } = await presentMember(ctx, row);
  return { member, cadrePositions: posts };
}

/** A member completes their own profile; name, ID number, branch and the league record stay with admins. */
export async function updateMyProfile(ctx: AppContext, actor: Actor & { memberId: number }, patch: UpdateMyProfileRequest): Promise<MyProfile> {
  const now = ctx.clock.now();
  await ctx.db
    .transaction(async (tx) => {
      await tx.select({ id: members.id }).from(members).where(eq(members.id, actor.memberId)).for('update');
      const row = await findMemberById(tx, actor.memberId);
      if (!row) throw new DomainError('NOT_FOUND');
      if (row.status !== 'ACTIVE') throw new DomainError('MEMBER_NOT_ACTIVE');
      await applyRecordChanges(tx, ctx, row, patch, chinaDate(now), now, { actor, action: 'MEMBER_SELF_UPDATE' });
    })
    .catch((err: unknown) => {
      throw personConflict(err) ?? err;
    });
  return getMyProfile(ctx, actor);
}
