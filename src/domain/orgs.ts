import type { IndustryCategory, LeadershipLevel, OrgKind, SpecialKind } from './enums';
import { OK, refuse, type RuleResult } from './errors';
import { isWithin } from './scope';

/** The facts of an org that the rules look at. */
export interface OrgFacts {
  kind: OrgKind;
  leadershipLevel: LeadershipLevel | null;
  specialKind: SpecialKind | null;
  industryCategory: IndustryCategory;
  regionCode: string | null;
  isTownship: boolean | null;
}

const SCHOOL_INDUSTRIES: ReadonlySet<IndustryCategory> = new Set([
  'HIGHER_EDUCATION',
  'VOCATIONAL_SCHOOL',
  'HIGH_SCHOOL',
  'MIDDLE_SCHOOL',
  'PRIMARY_SCHOOL',
]);

/** ORG-4: the five school categories make an org part of the school domain. */
export function isSchoolDomain(industry: IndustryCategory): boolean {
  return SCHOOL_INDUSTRIES.has(industry);
}

const LEVEL_RANK: Record<LeadershipLevel, number> = { NATIONAL: 0, PROVINCIAL: 1, CITY: 2, COUNTY: 3 };

/** Kinds of org that may sit directly below `parent` (ORG-1, ORG-2). */
export function allowedChildKinds(parent: Pick<OrgFacts, 'kind' | 'leadershipLevel'>): OrgKind[] {
  switch (parent.kind) {
    case 'LEADERSHIP':
      return parent.leadershipLevel === 'COUNTY'
        ? ['COMMITTEE', 'WORK_COMMITTEE', 'GENERAL_BRANCH', 'BRANCH']
        : ['LEADERSHIP', 'COMMITTEE', 'WORK_COMMITTEE', 'GENERAL_BRANCH', 'BRANCH'];
    case 'COMMITTEE':
    case 'WORK_COMMITTEE':
      // 团工委 are agencies of leadership organs: only those create them.
      return ['COMMITTEE', 'GENERAL_BRANCH', 'BRANCH'];
    case 'GENERAL_BRANCH':
      return ['BRANCH'];
    case 'BRANCH':
      return [];
  }
}

/** Leadership levels a leadership child of `parent` may have: strictly below the parent's. */
export function allowedChildLevels(parent: Pick<OrgFacts, 'kind' | 'leadershipLevel'>): LeadershipLevel[] {
  if (parent.kind !== 'LEADERSHIP' || !parent.leadershipLevel) return [];
  const rank = LEVEL_RANK[parent.leadershipLevel];
  return (Object.keys(LEVEL_RANK) as LeadershipLevel[]).filter((l) => LEVEL_RANK[l] > rank);
}

/** ORG-1/2/3/4: may an org with `child`'s facts be placed under `parent`? */
export function checkPlacement(
  parent: OrgFacts,
  child: Pick<OrgFacts, 'kind' | 'leadershipLevel' | 'specialKind' | 'industryCategory'> & { schoolCode?: string | null },
): RuleResult {
  if (parent.kind === 'BRANCH') return refuse('ORG_2_BRANCH_IS_LEAF');
  if (!allowedChildKinds(parent).includes(child.kind)) return refuse('ORG_1_KIND_NOT_ALLOWED');
  if (child.kind === 'LEADERSHIP') {
    if (!child.leadershipLevel) return refuse('ORG_1_LEVEL_REQUIRED');
    if (!allowedChildLevels(parent).includes(child.leadershipLevel)) return refuse('ORG_1_KIND_NOT_ALLOWED');
  } else if (child.leadershipLevel) {
    return refuse('ORG_1_KIND_NOT_ALLOWED', '只有领导机关团委才有层级');
  }
  if (child.specialKind) {
    if (child.kind !== 'BRANCH') return refuse('ORG_1_SPECIAL_KIND_BRANCH_ONLY');
    const placement = checkSpecialBranchParent(parent, child.specialKind);
    if (!placement.ok) return placement;
  }
  if (child.schoolCode && !isSchoolDomain(child.industryCategory)) return refuse('ORG_4_SCHOOL_CODE_SCHOOL_ONLY');
  return OK;
}

/** Where each special branch may be set up (ORG-1, ORG-3, TR-10, TR-11, GRAD-6, TR-6). */
export function checkSpecialBranchParent(parent: OrgFacts, specialKind: SpecialKind): RuleResult {
  switch (specialKind) {
    case 'TRANSITION':
      // A township org has one (ORG-3); a county-level org may create one too (TR-11).
      if (parent.isTownship === true || (parent.kind === 'LEADERSHIP' && parent.leadershipLevel === 'COUNTY')) return OK;
      return refuse('ORG_1_KIND_NOT_ALLOWED', '学社衔接临时团支部只能建在乡镇街道团组织或县级团委之下');
    case 'MOBILE_GRADUATES':
    case 'ABROAD_STUDY':
    case 'DELAYED':
      if (isSchoolDomain(parent.industryCategory) && parent.kind !== 'LEADERSHIP') return OK;
      return refuse('ORG_1_KIND_NOT_ALLOWED', '该特殊团支部只能建在学校领域的团委、团工委或团总支之下');
  }
}

/**
 * ORG-3: township (乡镇街道) orgs are the 团委/团工委/团总支 directly below a county-level leadership
 * organ whose region is a township or street (a 9-digit code). 是 / 否 / 空 — 空 when such an org has
 * no region yet, so the system cannot tell.
 */
export function computeIsTownship(
  parent: Pick<OrgFacts, 'kind' | 'leadershipLevel'>,
  child: Pick<OrgFacts, 'kind' | 'regionCode'>,
): boolean | null {
  const committeeLike = child.kind === 'COMMITTEE' || child.kind === 'WORK_COMMITTEE' || child.kind === 'GENERAL_BRANCH';
  if (!committeeLike || parent.kind !== 'LEADERSHIP' || parent.leadershipLevel !== 'COUNTY') return false;
  if (!child.regionCode) return null;
  return child.regionCode.length === 9;
}

/** ORG-3: every township org gets a 学社衔接临时团支部 child, created with it. */
export function needsTransitionBranch(org: Pick<OrgFacts, 'isTownship'>): boolean {
  return org.isTownship === true;
}

export const LEAGUE_PREFIX = '中国共产主义青年团';

function fullNameSuffix(kind: OrgKind): string {
  switch (kind) {
    case 'BRANCH':
      return '支部委员会';
    case 'GENERAL_BRANCH':
      return '总支部委员会';
    case 'LEADERSHIP':
    case 'COMMITTEE':
    case 'WORK_COMMITTEE':
      return '委员会';
  }
}

/** ORG-9: 全称 = 中国共产主义青年团 + region + unit + 委员会 / 总支部委员会 / 支部委员会. */
export function checkFullName(kind: OrgKind, fullName: string): RuleResult {
  const suffix = fullNameSuffix(kind);
  const problems: string[] = [];
  if (!fullName.startsWith(LEAGUE_PREFIX)) problems.push(`应以“${LEAGUE_PREFIX}”开头`);
  const endsRight =
    fullName.endsWith(suffix) &&
    !(kind === 'BRANCH' && fullName.endsWith('总支部委员会')) &&
    !(suffix === '委员会' && fullName.endsWith('支部委员会'));
  if (!endsRight) problems.push(`应以“${suffix}”结尾`);
  if (problems.length === 0 && fullName.length <= LEAGUE_PREFIX.length + suffix.length) {
    problems.push('中间应写明地区和单位名称');
  }
  if (problems.length > 0) return refuse('ORG_9_FULL_NAME_FORMAT', `组织全称${problems.join('，')}`);
  return OK;
}

const SHORT_SUFFIXES = ['临时团支部', '团支部', '团总支', '团工委', '团委'];

/** The unit part of a name: 全称 or 简称 without the league prefix and the kind's suffix. */
export function unitPart(name: string): string {
  let unit = name.startsWith(LEAGUE_PREFIX) ? name.slice(LEAGUE_PREFIX.length) : name;
  for (const s of ['总支部委员会', '支部委员会', '工作委员会', '委员会', ...SHORT_SUFFIXES]) {
    if (unit.endsWith(s)) {
      unit = unit.slice(0, -s.length);
      break;
    }
  }
  return unit;
}

/** ORG-3: the 全称 of a township's 学社衔接临时团支部, derived from the township's 全称. */
export function transitionBranchFullName(townshipFullName: string): string {
  return `${LEAGUE_PREFIX}${unitPart(townshipFullName)}学社衔接临时支部委员会`;
}

/** ORG-9: a 全称 proposal from the parent's 全称 and the new org's 简称. */
export function suggestFullName(kind: OrgKind, name: string, parentFullName: string | null): string {
  const parentUnit = parentFullName ? unitPart(parentFullName) : '';
  const unit = unitPart(name);
  const combined = unit.startsWith(parentUnit) ? unit : `${parentUnit}${unit}`;
  // 团工委 is short for 团的工作委员会; its 全称 keeps 工作 (unitPart strips it from parent names too).
  const suffix = kind === 'WORK_COMMITTEE' ? '工作委员会' : fullNameSuffix(kind);
  return `${LEAGUE_PREFIX}${combined}${suffix}`;
}

/** ORG-7: an org is deleted only when nothing is left in it. */
export function checkDeletable(counts: {
  members: number;
  children: number;
  openTransfers: number;
  activeCadres: number;
}): RuleResult {
  if (counts.children > 0) return refuse('ORG_7_HAS_CHILDREN');
  if (counts.members > 0) return refuse('ORG_7_HAS_MEMBERS');
  if (counts.openTransfers > 0) return refuse('ORG_7_HAS_OPEN_TRANSFERS');
  if (counts.activeCadres > 0) return refuse('ORG_7_HAS_CADRES');
  return OK;
}

export type BranchSizeFlag = 'TOO_SMALL' | 'TOO_LARGE';
export const BRANCH_MIN_MEMBERS = 3;
export const BRANCH_MAX_MEMBERS = 50;

/** ORG-5: fewer than 3 members → dissolve or merge; more than 50 → split. */
export function branchSizeFlag(memberCount: number): BranchSizeFlag | null {
  if (memberCount < BRANCH_MIN_MEMBERS) return 'TOO_SMALL';
  if (memberCount > BRANCH_MAX_MEMBERS) return 'TOO_LARGE';
  return null;
}

/** Moving an org: never below itself; the new parent must accept its kind. */
export function checkMove(
  org: { path: string; parentId: number | null } & Parameters<typeof checkPlacement>[1],
  newParent: OrgFacts & { id: number; path: string },
): RuleResult {
  if (isWithin(newParent.path, org.path)) return refuse('ORG_MOVE_INTO_OWN_SUBTREE');
  if (org.parentId === newParent.id) return refuse('ORG_MOVE_SAME_PARENT');
  return checkPlacement(newParent, org);
}

/** ORG-8: a region code is 2 (province), 4 (city), 6 (county), 9 (township) or 12 (village) digits. */
export function regionLevel(code: string): 'PROVINCE' | 'CITY' | 'COUNTY' | 'TOWNSHIP' | 'VILLAGE' | null {
  if (!/^\d+$/.test(code)) return null;
  switch (code.length) {
    case 2:
      return 'PROVINCE';
    case 4:
      return 'CITY';
    case 6:
      return 'COUNTY';
    case 9:
      return 'TOWNSHIP';
    case 12:
      return 'VILLAGE';
    default:
      return null;
  }
}

/** ORG-8: the province is derived from the region code. */
export function provinceCodeOf(regionCode: string | null): string | null {
  return regionCode && regionCode.length >= 2 ? regionCode.slice(0, 2) : null;
}

/** What an admin acting for `scope` may do with `org` (which is inside the scope). */
export function orgPermissions(
  scope: { orgId: number },
  org: { id: number; kind: OrgKind; leadershipLevel: LeadershipLevel | null },
): { createChildKinds: OrgKind[]; edit: boolean; move: boolean; delete: boolean } {
  const own = org.id === scope.orgId;
  return {
    createChildKinds: allowedChildKinds(org),
    edit: true,
    // An admin rearranges what is below their org, never the org they act for.
    move: !own,
    delete: !own,
  };
}
