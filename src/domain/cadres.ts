import type { CadreNature, OrgKind } from './enums';
import { OK, refuse, type RuleResult } from './errors';

/** CAD-1: posts of 本级团干部 by kind of org; branch posts come with the member record. */
export const LEADERSHIP_POSITIONS = ['书记', '副书记', '常委', '委员', '候补委员', '工作人员'] as const;
export const COMMITTEE_POSITIONS = ['书记', '副书记', '委员', '工作人员'] as const;
export const BRANCH_POSITIONS = [
  '书记', '副书记', '组织委员', '宣传委员', '文体委员', '生产委员', '权益委员', '志愿委员', '其他',
] as const;

export function positionsFor(kind: OrgKind): readonly string[] {
  switch (kind) {
    case 'LEADERSHIP':
      return LEADERSHIP_POSITIONS;
    case 'COMMITTEE':
    case 'WORK_COMMITTEE':
    case 'GENERAL_BRANCH':
      return COMMITTEE_POSITIONS;
    case 'BRANCH':
      return BRANCH_POSITIONS;
  }
}

/** CAD-1/CAD-2: the post fits the org; leadership-organ cadres are 专职, 挂职 or 兼职, others are not. */
export function checkCadrePost(orgKind: OrgKind, position: string, nature: CadreNature | null | undefined): RuleResult {
  if (!positionsFor(orgKind).includes(position)) {
    return refuse('CAD_1_POSITION_INVALID', `“${position}”不是此类组织的团干部职务，可选：${positionsFor(orgKind).join('、')}`);
  }
  if (orgKind === 'LEADERSHIP' && !nature) return refuse('CAD_2_NATURE_REQUIRED');
  if (orgKind !== 'LEADERSHIP' && nature) return refuse('CAD_2_NATURE_LEADERSHIP_ONLY');
  return OK;
}

/** CAD-2: leadership-organ cadre data is checked by the 15th of each month. */
export function cadreCheckDue(today: string): string {
  return `${today.slice(0, 7)}-15`;
}

/**
 * CAD-3/ADM-1: a current post of a committee changes or ends here (branch posts follow the member
 * record); an admin's post ends only after the grant is revoked; only a current cadre becomes admin.
 */
export function cadrePermissions(c: { orgKind: OrgKind; endedAt: string | null; isAdmin: boolean }) {
  const current = c.endedAt === null;
  const committee = c.orgKind !== 'BRANCH';
  return { change: current && committee, end: current && committee && !c.isAdmin, grantAdmin: current && !c.isAdmin };
}

/** ADM-1: a grant is revoked once, and never by the admin it belongs to for the org they act for. */
export function adminPermissions(
  grant: { personId: number; orgId: number; revokedAt: string | null },
  actor: { personId: number; orgId: number },
) {
  return { revoke: grant.revokedAt === null && !(grant.personId === actor.personId && grant.orgId === actor.orgId) };
}
