// Organization-relation transfers (组织关系转接, TR-1 … TR-13): pure rules, no database.
import type { GraduateStatus, IndustryCategory, LeadershipLevel, OrgCategory, OrgKind, SpecialKind } from './enums';
import { OK, refuse, type RuleResult } from './errors';
import { isSchoolDomain } from './orgs';

/** TR-6: the 8 学社衔接 reasons (from a 毕业生团组织), in the order of the notices. */
export const GRADUATE_REASONS = [
  'FURTHER_STUDY',
  'EMPLOYED_WITH_ORG',
  'EMPLOYED_NO_ORG',
  'ABROAD_OFFICIAL',
  'ABROAD_STUDY',
  'ABROAD_PRIVATE',
  'UNEMPLOYED',
  'SPECIAL_UNIT',
] as const;
/** Ordinary reasons for every other transfer. */
export const ORDINARY_REASONS = ['WORK_CHANGE', 'RESIDENCE_CHANGE', 'STUDY_CHANGE', 'OTHER'] as const;
export const TRANSFER_REASONS = [...GRADUATE_REASONS, ...ORDINARY_REASONS] as const;
export type GraduateReason = (typeof GRADUATE_REASONS)[number];
export type TransferReason = (typeof TRANSFER_REASONS)[number];

export const TRANSFER_REASON_LABELS: Record<TransferReason, string> = {
  FURTHER_STUDY: '升学',
  EMPLOYED_WITH_ORG: '已落实工作单位（工作单位有团组织）',
  EMPLOYED_NO_ORG: '已落实工作单位（工作单位无团组织）',
  ABROAD_OFFICIAL: '出国（因公出国／境）',
  ABROAD_STUDY: '出国（境）学习研究',
  ABROAD_PRIVATE: '出国（因私出国／境）',
  UNEMPLOYED: '未就业',
  SPECIAL_UNIT: '转往特殊单位团组织',
  WORK_CHANGE: '工作调动',
  RESIDENCE_CHANGE: '居住地变动',
  STUDY_CHANGE: '升学／转学',
  OTHER: '其他',
};

/** The detail fields a reason may ask for. */
export const TRANSFER_FIELDS = ['schoolName', 'unitName', 'address', 'abroadPlace', 'abroadPeriod', 'contactName', 'contactPhone'] as const;
export type TransferField = (typeof TRANSFER_FIELDS)[number];
export type TransferFields = Partial<Record<TransferField, string | null>>;
export const TRANSFER_FIELD_LABELS: Record<TransferField, string> = {
  schoolName: '转入学校名称',
  unitName: '工作单位名称',
  address: '详细地址',
  abroadPlace: '境外学习研究地点',
  abroadPeriod: '境外学习研究时间期限',
  contactName: '境内联系人',
  contactPhone: '境内联系人电话',
};

/** What kind of target a reason needs (TR-6). */
export type TargetRule =
  | 'SCHOOL' // a school-domain org
  | 'UNIT' // the unit's own org: not a leadership organ, not a 学社衔接/special branch
  | 'TOWNSHIP_OR_TRANSITION' // a township org or a 学社衔接临时团支部
  | 'TOWNSHIP_TRANSITION_OR_VILLAGE' // … or a village/community org
  | 'SCHOOL_ABROAD_BRANCH' // the member's own school's 出国（境）学习研究团员团支部
  | 'NONE' // no target: provincial review, special-units pool
  | 'ANY'; // ordinary reasons

export interface ReasonSpec {
  reason: TransferReason;
  graduate: boolean;
  /** Required fields; every other field is refused, so a form cannot carry stale values. */
  fields: TransferField[];
  /** Which of the fields is the address label (户籍/居住 vs the unit's). */
  addressLabel?: string;
  target: TargetRule;
  hint: string;
}

export const REASON_SPECS: Record<TransferReason, ReasonSpec> = {
  FURTHER_STUDY: { reason: 'FURTHER_STUDY', graduate: true, fields: ['schoolName', 'address'], addressLabel: '转入学校所在地详细地址', target: 'SCHOOL', hint: '转入新学校的团组织，尽可能具体到学院团委或团支部' },
  EMPLOYED_WITH_ORG: { reason: 'EMPLOYED_WITH_ORG', graduate: true, fields: ['unitName', 'address'], addressLabel: '工作单位所在地详细地址', target: 'UNIT', hint: '转入工作单位的团组织' },
  EMPLOYED_NO_ORG: { reason: 'EMPLOYED_NO_ORG', graduate: true, fields: ['unitName', 'address'], addressLabel: '工作单位所在地详细地址', target: 'TOWNSHIP_OR_TRANSITION', hint: '转入工作单位所在地的乡镇街道团组织或其“学社衔接临时团支部”' },
  ABROAD_OFFICIAL: { reason: 'ABROAD_OFFICIAL', graduate: true, fields: ['unitName', 'address'], addressLabel: '派出单位所在地详细地址', target: 'UNIT', hint: '转入派出单位的团组织' },
  ABROAD_STUDY: { reason: 'ABROAD_STUDY', graduate: true, fields: ['abroadPlace', 'abroadPeriod', 'contactName', 'contactPhone'], target: 'SCHOOL_ABROAD_BRANCH', hint: '团组织关系保留在原就读学校，编入本校“出国（境）学习研究团员团支部”，由学校团委审批并登记造册' },
  ABROAD_PRIVATE: { reason: 'ABROAD_PRIVATE', graduate: true, fields: ['address'], addressLabel: '户籍地或居住地详细地址', target: 'TOWNSHIP_OR_TRANSITION', hint: '转入户籍所在地或本人、父母居住地的乡镇街道“学社衔接临时团支部”' },
  UNEMPLOYED: { reason: 'UNEMPLOYED', graduate: true, fields: ['address'], addressLabel: '户籍地或居住地详细地址', target: 'TOWNSHIP_TRANSITION_OR_VILLAGE', hint: '转入户籍所在地或居住地的乡镇街道“学社衔接临时团支部”或村（社区）团组织' },
  SPECIAL_UNIT: { reason: 'SPECIAL_UNIT', graduate: true, fields: [], target: 'NONE', hint: '无需选择转入组织，由省级团委审核，通过后进入特殊单位专属库；另须办理线下转接手续' },
  WORK_CHANGE: { reason: 'WORK_CHANGE', graduate: false, fields: [], target: 'ANY', hint: '' },
  RESIDENCE_CHANGE: { reason: 'RESIDENCE_CHANGE', graduate: false, fields: [], target: 'ANY', hint: '' },
  STUDY_CHANGE: { reason: 'STUDY_CHANGE', graduate: false, fields: [], target: 'ANY', hint: '' },
  OTHER: { reason: 'OTHER', graduate: false, fields: [], target: 'ANY', hint: '' },
};

/** Optional fields an ordinary transfer may carry. */
const ORDINARY_OPTIONAL: TransferField[] = ['unitName', 'address'];

/**
 * TR-6 / GRAD-6: 学社衔接 applies to a graduate of a 毕业生团组织; members marked 延迟毕业 or 教师 stay
 * outside it and transfer with ordinary reasons.
 */
export function isSchoolToSociety(branchCategory: OrgCategory, graduateStatus: GraduateStatus | null): boolean {
  return branchCategory === 'GRADUATE' && graduateStatus !== 'DELAYED' && graduateStatus !== 'TEACHER';
}

export function reasonsFor(schoolToSociety: boolean): readonly TransferReason[] {
  return schoolToSociety ? GRADUATE_REASONS : ORDINARY_REASONS;
}

/** TR-6: the reason fits the member, its required fields are there and no other field is sent. */
export function checkReasonFields(reason: TransferReason, schoolToSociety: boolean, fields: TransferFields): RuleResult {
  const spec = REASON_SPECS[reason];
  if (spec.graduate !== schoolToSociety) {
    return refuse('TR_6_REASON_NOT_ALLOWED', schoolToSociety ? '毕业生团组织的团员须选择“学社衔接”的8种转接原因之一' : `“${TRANSFER_REASON_LABELS[reason]}”仅适用于毕业生团组织的学社衔接`);
  }
  const allowed = spec.graduate ? spec.fields : ORDINARY_OPTIONAL;
  for (const key of TRANSFER_FIELDS) {
    const value = fields[key];
    const given = typeof value === 'string' && value.trim() !== '';
    if (spec.graduate && spec.fields.includes(key) && !given) {
      return refuse('TR_6_FIELD_REQUIRED', `转接原因“${TRANSFER_REASON_LABELS[reason]}”须填写${key === 'address' && spec.addressLabel ? spec.addressLabel : TRANSFER_FIELD_LABELS[key]}`);
    }
    if (given && !allowed.includes(key)) {
      return refuse('TR_6_FIELD_NOT_ALLOWED', `转接原因“${TRANSFER_REASON_LABELS[reason]}”无需填写${TRANSFER_FIELD_LABELS[key]}`);
    }
  }
  if (spec.fields.includes('contactPhone') && !/^1\d{10}$|^0\d{2,3}-?\d{7,8}$/.test((fields.contactPhone ?? '').trim())) {
    return refuse('TR_6_FIELD_REQUIRED', '境内联系人电话应为手机号码或带区号的固定电话');
  }
  return OK;
}

/** The facts of a target org the rules look at. */
export interface TargetFacts {
  id: number;
  kind: OrgKind;
  specialKind: SpecialKind | null;
  leadershipLevel: LeadershipLevel | null;
  industryCategory: IndustryCategory;
  isTownship: boolean | null;
  /** The target's parent is a township org (for a 学社衔接临时团支部 or a village org under it). */
  parentIsTownship: boolean;
  /** The school committee the target belongs to (highest school-domain org above it), if any. */
  schoolRootId: number | null;
}

const VILLAGE_INDUSTRIES: ReadonlySet<IndustryCategory> = new Set(['URBAN_COMMUNITY', 'RURAL']);

/** TR-6: does the target fit the reason? `memberSchoolRootId` is the member's own school committee. */
export function checkTarget(reason: TransferReason, target: TargetFacts | null, memberSchoolRootId: number | null): RuleResult {
  const rule = REASON_SPECS[reason].target;
  const label = TRANSFER_REASON_LABELS[reason];
  if (rule === 'NONE') return target ? refuse('TR_6_TARGET_NOT_ALLOWED', `“${label}”无需选择转入组织`) : OK;
  if (!target) return refuse('TR_6_TARGET_REQUIRED');
  const isTransition = target.specialKind === 'TRANSITION';
  const wrong = (what: string) => refuse('TR_6_TARGET_MISMATCH', `转接原因“${label}”的转入组织应为${what}`);
  switch (rule) {
    case 'SCHOOL':
      return isSchoolDomain(target.industryCategory) && target.kind !== 'LEADERSHIP' ? OK : wrong('学校的团组织');
    case 'UNIT':
      return target.kind !== 'LEADERSHIP' && target.specialKind === null && !target.isTownship ? OK : wrong('工作（派出）单位的团组织');
    case 'TOWNSHIP_OR_TRANSITION':
      return target.isTownship === true || isTransition ? OK : wrong('乡镇街道团组织或其“学社衔接临时团支部”');
    case 'TOWNSHIP_TRANSITION_OR_VILLAGE':
      return target.isTownship === true || isTransition || (VILLAGE_INDUSTRIES.has(target.industryCategory) && target.kind !== 'LEADERSHIP')
        ? OK
        : wrong('乡镇街道的“学社衔接临时团支部”或村（社区）团组织');
    case 'SCHOOL_ABROAD_BRANCH':
      return target.specialKind === 'ABROAD_STUDY' && memberSchoolRootId !== null && target.schoolRootId === memberSchoolRootId
        ? OK
        : wrong('本校的“出国（境）学习研究团员团支部”');
    case 'ANY':
      return target.kind === 'LEADERSHIP' && target.leadershipLevel !== 'COUNTY' ? refuse('TR_6_TARGET_MISMATCH', '不能转入省级以上领导机关团委，请选择具体的团组织') : OK;
  }
}

/** TR-7: the three provinces with their own systems, by GB/T 2260 province code. */
export const SEPARATE_PROVINCES = { BEIJING: '11', GUANGDONG: '44', FUJIAN: '35' } as const;
export type TargetScope = 'NATIONAL' | keyof typeof SEPARATE_PROVINCES;
export const TARGET_SCOPES = ['NATIONAL', 'BEIJING', 'GUANGDONG', 'FUJIAN'] as const satisfies readonly TargetScope[];
export const TARGET_SCOPE_LABELS: Record<TargetScope, string> = {
  NATIONAL: '否（北京、广东、福建以外）',
  BEIJING: '北京',
  GUANGDONG: '广东',
  FUJIAN: '福建',
};

/** TR-7: a target whose province is `provinceCode` may be chosen under `scope`. */
export function checkTargetScope(scope: TargetScope, provinceCode: string | null): RuleResult {
  const separate = Object.values(SEPARATE_PROVINCES) as string[];
  if (scope === 'NATIONAL') {
    return provinceCode !== null && separate.includes(provinceCode) ? refuse('TR_7_SCOPE_MISMATCH', '转入组织属于北京、广东或福建，请先选择对应的省份') : OK;
  }
  return provinceCode === SEPARATE_PROVINCES[scope] ? OK : refuse('TR_7_SCOPE_MISMATCH', `转入组织不在${TARGET_SCOPE_LABELS[scope]}`);
}

// ---- the node engine (TR-2, TR-3, TR-4) -------------------------------------------------------

export const NODE_KINDS = ['SENDING', 'PROVINCIAL_REVIEW', 'SCHOOL_APPROVAL', 'RECEIVING', 'ALLOCATION'] as const;
export type NodeKind = (typeof NODE_KINDS)[number];
export const NODE_KIND_LABELS: Record<NodeKind, string> = {
  SENDING: '转出团组织审批',
  PROVINCIAL_REVIEW: '省级团委审核',
  SCHOOL_APPROVAL: '学校团委审批',
  RECEIVING: '转入团组织审批',
  ALLOCATION: '分配团支部',
};
export const NODE_STATES = ['WAITING', 'PENDING', 'APPROVED', 'AUTO_APPROVED', 'ALLOCATED', 'REJECTED', 'CANCELLED'] as const;
export type NodeState = (typeof NODE_STATES)[number];
export const NODE_STATE_LABELS: Record<NodeState, string> = {
  WAITING: '未开始',
  PENDING: '待处理',
  APPROVED: '已通过',
  AUTO_APPROVED: '系统自动通过',
  ALLOCATED: '已分配团支部',
  REJECTED: '已退回',
  CANCELLED: '已撤销',
};
/**
 * The texts a decision leaves behind (TR-5, TR-9): audit reasons and notices. One source for both
 * ways they are written: one transfer at a time (`completeInOne` fills them in JavaScript) and the
 * sweep's batches (`writeSweepRecords` fills them in SQL from `textParts`).
 */
export const TRANSFER_TEXTS = {
  autoApprovalReason: (nodeLabel: string, dueIso: string) => `${nodeLabel}超过15天未处理，系统自动通过（到期时间 ${dueIso}）`,
  autoApprovalNotice: (memberName: string, nodeLabel: string) => `${memberName}的组织关系转接（${nodeLabel}）超过15天未处理，已由系统自动通过`,
  completionReason: (reasonLabel: string, branchName: string) => `${reasonLabel}：转入“${branchName}”`,
  completionNotice: (memberName: string, branchName: string) => `${memberName}的组织关系已转入“${branchName}”，接转成功`,
};

/** The note on the membership periods a completed transfer ends and starts (TR-3). */
export const transferMembershipNote = (transferId: number) => `组织关系转接#${transferId}`;

/** A text of TRANSFER_TEXTS as the three fixed parts around its two values, for filling elsewhere (SQL). */
export function textParts(text: (a: string, b: string) => string): [string, string, string] {
  const [before, rest, ...more] = text('\u0001', '\u0002').split('\u0001');
  const [between, after, ...more2] = (rest ?? '').split('\u0002');
  if (more.length > 0 || more2.length > 0 || after === undefined) throw new Error('a transfer text must hold each value once, the first one first');
  return [before!, between!, after];
}

export const TIMEOUT_ACTIONS = ['AUTO_APPROVE', 'NONE'] as const;
export type TimeoutAction = (typeof TIMEOUT_ACTIONS)[number];

export const TRANSFER_STATUSES = ['OPEN', 'COMPLETED', 'REJECTED', 'CANCELLED'] as const;
export type TransferStatus = (typeof TRANSFER_STATUSES)[number];
export const TRANSFER_STATUS_LABELS: Record<TransferStatus, string> = { OPEN: '办理中', COMPLETED: '接转成功', REJECTED: '已退回', CANCELLED: '已撤销' };

export const STARTER_SIDES = ['SENDING', 'RECEIVING', 'MEMBER'] as const;
export type StarterSide = (typeof STARTER_SIDES)[number];
export const STARTER_SIDE_LABELS: Record<StarterSide, string> = { SENDING: '转出组织发起', RECEIVING: '转入组织发起', MEMBER: '团员本人发起' };

export interface PlannedNode {
  kind: NodeKind;
  /** The org the node is addressed to; any admin of it (TR-4: for a branch also its direct parent's). */
  orgId: number;
  timeoutAction: TimeoutAction;
}

/**
 * TR-2/3/4: the nodes of a transfer, in order. The sending side approves unless it started the
 * transfer; then the school 团委 (出国（境）学习研究) or the provincial committee (特殊单位); then the
 * receiving side unless it started it; then, for a committee target, allocation to a branch, which
 * is never automatic.
 */
export function planNodes(p: {
  reason: TransferReason;
  sendingBranchId: number;
  sendingStarted: boolean;
  receivingStarted: boolean;
  target: { id: number; kind: OrgKind } | null;
  schoolRootId: number | null;
  provinceOrgId: number | null;
}): PlannedNode[] {
  const nodes: PlannedNode[] = [];
  if (!p.sendingStarted) nodes.push({ kind: 'SENDING', orgId: p.sendingBranchId, timeoutAction: 'AUTO_APPROVE' });
  const rule = REASON_SPECS[p.reason].target;
  if (rule === 'NONE') {
    if (p.provinceOrgId === null) throw new Error('special-unit transfer without a provincial committee');
    nodes.push({ kind: 'PROVINCIAL_REVIEW', orgId: p.provinceOrgId, timeoutAction: 'AUTO_APPROVE' });
    return nodes;
  }
  if (!p.target) throw new Error('transfer without a target');
  if (rule === 'SCHOOL_ABROAD_BRANCH') {
    // TR-6: approved by the school's 团委; the member stays in the school's abroad branch.
    if (p.schoolRootId === null) throw new Error('abroad-study transfer outside a school');
    nodes.push({ kind: 'SCHOOL_APPROVAL', orgId: p.schoolRootId, timeoutAction: 'AUTO_APPROVE' });
    return nodes;
  }
  if (!p.receivingStarted) nodes.push({ kind: 'RECEIVING', orgId: p.target.id, timeoutAction: 'AUTO_APPROVE' });
  if (p.target.kind !== 'BRANCH') nodes.push({ kind: 'ALLOCATION', orgId: p.target.id, timeoutAction: 'NONE' });
  return nodes;
}

/**
 * TR-2/3: after a decision the chain goes on at the lowest waiting node; none left means the
 * transfer completes (the member moves).
 */
export function nextWaitingNode<N extends { seq: number; state: NodeState }>(nodes: readonly N[]): N | null {
  let next: N | null = null;
  for (const n of nodes) if (n.state === 'WAITING' && (next === null || n.seq < next.seq)) next = n;
  return next;
}

// ---- deadlines (TR-5) -------------------------------------------------------------------------

export const DAY_MS = 86_400_000;
export const NODE_DUE_DAYS = 15;
export const NODE_REMIND_DAYS = 10;

export function dueAt(openedAt: Date): Date {
  return new Date(openedAt.getTime() + NODE_DUE_DAYS * DAY_MS);
}
export function remindAt(openedAt: Date): Date {
  return new Date(openedAt.getTime() + NODE_REMIND_DAYS * DAY_MS);
}

/** What the sweep does with a pending node at `now` (TR-5). */
export function timerAction(node: { state: NodeState; openedAt: Date; dueAt: Date; timeoutAction: TimeoutAction; remindedAt: Date | null }, now: Date): 'AUTO_APPROVE' | 'REMIND' | null {
  if (node.state !== 'PENDING') return null;
  if (node.timeoutAction === 'AUTO_APPROVE' && now.getTime() >= node.dueAt.getTime()) return 'AUTO_APPROVE';
  if (node.remindedAt === null && now.getTime() >= remindAt(node.openedAt).getTime()) return 'REMIND';
  return null;
}

/** Whole days a node has been open (day 0 on the day it opened). */
export function ageDays(openedAt: Date, now: Date): number {
  return Math.max(0, Math.floor((now.getTime() - openedAt.getTime()) / DAY_MS));
}

// ---- who acts (TR-4) --------------------------------------------------------------------------

/**
 * TR-4: a branch node is decided by the branch's admin or its direct parent's admin; any other node by
 * the admins of the org it is addressed to. Admins higher up supervise but do not decide.
 */
export function canActOnNode(actingOrgId: number, node: { orgId: number; orgKind: OrgKind; orgParentId: number | null }): boolean {
  if (actingOrgId === node.orgId) return true;
  return node.orgKind === 'BRANCH' && node.orgParentId === actingOrgId;
}

// ---- rejections (TR-8) ------------------------------------------------------------------------

/** TR-8: reasons that discriminate by employment form or household registration are not accepted. */
const REFUSED_REJECTION_PATTERNS: RegExp[] = [
  /(非|不是|不属于|没有|无)(本单位)?(正式|在编)(员工|职工|人员|编制)?/,
  /(编外|临时工|合同工|劳务派遣)/,
  /(非|不是|没有|无)本地(户籍|户口)/,
  /(户籍|户口)(不在|非)本地/,
  /外地(户籍|户口)/,
];

export function checkRejectionReason(reason: string): RuleResult {
  const text = reason.trim();
  if (text.length < 2) return refuse('TR_8_REASON_REQUIRED');
  if (REFUSED_REJECTION_PATTERNS.some((re) => re.test(text))) return refuse('TR_8_REASON_NOT_ACCEPTED');
  return OK;
}

// ---- target suggestion (issue 3/7 §3) ---------------------------------------------------------

/** What to look for when suggesting a target for a reason and an address region. */
export function suggestionKind(reason: TransferReason): 'TOWNSHIP' | 'ABROAD_BRANCH' | null {
  switch (REASON_SPECS[reason].target) {
    case 'TOWNSHIP_OR_TRANSITION':
    case 'TOWNSHIP_TRANSITION_OR_VILLAGE':
      return 'TOWNSHIP';
    case 'SCHOOL_ABROAD_BRANCH':
      return 'ABROAD_BRANCH';
    default:
      return null;
  }
}

// ---- letters (TR-9) ---------------------------------------------------------------------------

export const LETTER_DEFAULT_VALID_DAYS = 30;

/** TR-9: the letter's number, per issuing org and year: “〔2026〕第7号”. */
export function letterNumber(year: number, serial: number): string {
  return `〔${year}〕第${serial}号`;
}

/** What a viewer may do with a transfer and a node (the web shows only these). */
export function transferPermissions(p: {
  status: TransferStatus;
  isStarter: boolean;
}): { cancel: boolean; letter: boolean } {
  return { cancel: p.status === 'OPEN' && p.isStarter, letter: p.status !== 'CANCELLED' && p.status !== 'REJECTED' };
}
