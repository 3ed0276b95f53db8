/**
 * The dashboard figures (ST-1 … ST-7, REP-3) as columns: the same definitions drive the table on
 * screen, the chart and the Excel export, so the three never disagree. Also imported by the web app.
 */
import { ratio } from './supervision';

/** One row of the rollup figures: an org's whole subtree (itself included). */
export interface FigureRow {
  orgId: number;
  name: string;
  census: number | null;
  membersActive: number;
  membersComplete: number;
  membersSince2017: number;
  membersSince2019: number;
  membersLate2019: number;
  branches: number;
  branchesEntered: number;
  schoolBranches: number;
  schoolBranchesMarked: number;
  schoolMembers: number;
  schools: number;
}

export type ColumnKind = 'count' | 'ratio';
export interface FigureColumn<R> {
  key: string;
  label: string;
  kind: ColumnKind;
  value: (r: R) => number | null;
  /** The target a ratio is measured against (shown red below it). */
  target?: number;
}

export const FIGURE_IDS = ['ST1', 'ST2', 'ST3', 'ST4', 'ST5', 'ST6', 'ST7', 'REP3'] as const;
export type FigureId = (typeof FIGURE_IDS)[number];
export const FIGURE_TITLES: Record<FigureId, string> = {
  ST1: '团员录入率（对照团统数）',
  ST2: '团支部录入与团员资料完整度',
  ST3: '新发展团员录入',
  ST4: '学校团支部毕业时间标记',
  ST5: '毕业班与毕业学生团员统计',
  ST6: '组织关系转接进度',
  ST7: '发展团员编号使用情况',
  REP3: '以教统核团统',
};

const c = <R>(key: string, label: string, value: (r: R) => number | null): FigureColumn<R> => ({ key, label, kind: 'count', value });
const p = <R>(key: string, label: string, value: (r: R) => number | null, target?: number): FigureColumn<R> => ({ key, label, kind: 'ratio', value, target });

export const ROLLUP_COLUMNS: Record<'ST1' | 'ST2' | 'ST3' | 'ST4', FigureColumn<FigureRow>[]> = {
  ST1: [
    c('census', '团统数', (r) => r.census),
    c('membersActive', '已录入团员数', (r) => r.membersActive),
    p('enteredRate', '录入率', (r) => ratio(r.membersActive, r.census), 0.95),
  ],
  ST2: [
    c('branches', '团支部数', (r) => r.branches),
    c('branchesEntered', '已录入团员的团支部数', (r) => r.branchesEntered),
    p('branchRate', '完成录入的团支部占比', (r) => ratio(r.branchesEntered, r.branches), 1),
    c('membersActive', '团员数', (r) => r.membersActive),
    c('membersComplete', '资料完整的团员数', (r) => r.membersComplete),
    p('completeRate', '个人资料录入完整的团员占比', (r) => ratio(r.membersComplete, r.membersActive), 1),
  ],
  ST3: [
    c('membersSince2017', '2017年以来新发展团员数', (r) => r.membersSince2017),
    c('membersSince2019', '2019年以来新发展团员数', (r) => r.membersSince2019),
    c('membersLate2019', '其中超过一个月录入', (r) => r.membersLate2019),
    p('onTimeRate', '一个月内录入占比', (r) => (r.membersSince2019 ? (r.membersSince2019 - r.membersLate2019) / r.membersSince2019 : null), 1),
  ],
  ST4: [
    c('schoolBranches', '学校团支部数', (r) => r.schoolBranches),
    c('schoolBranchesMarked', '已标记毕业时间', (r) => r.schoolBranchesMarked),
    c('unmarked', '未标记', (r) => r.schoolBranches - r.schoolBranchesMarked),
    p('markedRate', '标记率', (r) => ratio(r.schoolBranchesMarked, r.schoolBranches), 1),
  ],
};

/** ST-5, per next-level org, for one graduation year. */
export interface GraduationRow {
  orgId: number;
  name: string;
  gradBranches: number;
  gradMembers: number;
  /** From the education system (REP-3 entry of that org for the year), or null. */
  eduGradClasses: number | null;
  eduGraduatingStudents: number | null;
}
export const GRADUATION_COLUMNS: FigureColumn<GraduationRow>[] = [
  c('eduGradClasses', '毕业班数（教统）', (r) => r.eduGradClasses),
  c('gradBranches', '毕业生团支部数', (r) => r.gradBranches),
  c('eduGraduatingStudents', '毕业学生数（教统）', (r) => r.eduGraduatingStudents),
  c('gradMembers', '毕业学生团员数', (r) => r.gradMembers),
];

/**
 * ST-6, per next-level org, for one campaign year: 学社衔接 transfers started from the subtree and
 * completed, graduates still at school with no transfer started, and approval nodes addressed into the
 * subtree pending for more than 10 days (TR-5). `rank` orders the lagging regions (通报).
 */
export interface TransferProgressRow {
  orgId: number;
  name: string;
  notStarted: number;
  started: number;
  completed: number;
  overdueNodes: number;
  rank: number | null;
}
export const TRANSFER_COLUMNS: FigureColumn<TransferProgressRow>[] = [
  c('notStarted', '未发起转接的毕业生团员', (r) => r.notStarted),
  c('started', '已发起学社衔接转接', (r) => r.started),
  p('startRate', '发起率（7月25日前应达100%）', (r) => ratio(r.started, r.started + r.notStarted), 1),
  c('completed', '已接转成功', (r) => r.completed),
  p('completeRate', '接收率（9月20日前基本完成）', (r) => ratio(r.completed, r.started), 1),
  c('overdueNodes', '超过10天未处理的审批', (r) => r.overdueNodes),
  c('rank', '滞后排名', (r) => r.rank),
];

/**
 * 通报: rows with any campaign work ranked from the most lagging — lowest start rate first, then the
 * most overdue approvals, then the lowest completion rate. Rows with nothing to do get no rank.
 */
export function rankLagging<R extends Omit<TransferProgressRow, 'rank'>>(rows: R[]): (R & { rank: number | null })[] {
  const startRate = (r: R) => ratio(r.started, r.started + r.notStarted) ?? 1;
  const completeRate = (r: R) => ratio(r.completed, r.started) ?? 1;
  const active = rows.filter((r) => r.started + r.notStarted + r.overdueNodes > 0);
  const ordered = [...active].sort((a, b) => startRate(a) - startRate(b) || b.overdueNodes - a.overdueNodes || completeRate(a) - completeRate(b) || a.orgId - b.orgId);
  const rank = new Map(ordered.map((r, i) => [r.orgId, i + 1]));
  return rows.map((r) => ({ ...r, rank: rank.get(r.orgId) ?? null }));
}

/** ST-7, per next-level org: the numbers it received. */
export interface DevRow {
  orgId: number;
  name: string;
  issued: number;
  used: number;
  explained: number;
  unused: number;
}
export const DEV_COLUMNS: FigureColumn<DevRow>[] = [
  c('issued', '下发编号数', (r) => r.issued),
  c('used', '已使用', (r) => r.used),
  c('explained', '未使用已说明', (r) => r.explained),
  c('unused', '未使用未说明', (r) => r.unused),
  p('accounted', '号号有下落', (r) => (r.issued ? (r.used + r.explained) / r.issued : null), 1),
];

/** REP-3, per next-level org: 教统 entered vs the league's own counts. */
export interface EduRow {
  orgId: number;
  name: string;
  entered: boolean;
  eduSchools: number | null;
  leagueSchools: number;
  eduGradClasses: number | null;
  leagueGradClasses: number;
  eduStudents: number | null;
  eduStudentMembers: number | null;
  leagueStudentMembers: number;
  overLimit: string[];
  explanation: string | null;
}
export const EDU_COLUMNS: FigureColumn<EduRow>[] = [
  c('eduSchools', '学校数（教统）', (r) => r.eduSchools),
  c('leagueSchools', '学校数（团统）', (r) => r.leagueSchools),
  c('eduGradClasses', '毕业班数（教统）', (r) => r.eduGradClasses),
  c('leagueGradClasses', '毕业生团支部数（团统）', (r) => r.leagueGradClasses),
  c('eduStudents', '在校学生数（教统）', (r) => r.eduStudents),
  c('eduStudentMembers', '学生团员数（教统）', (r) => r.eduStudentMembers),
  c('leagueStudentMembers', '学生团员数（系统）', (r) => r.leagueStudentMembers),
];

export function formatCell(kind: ColumnKind, v: number | null): string | number {
  if (v === null) return '—';
  return kind === 'ratio' ? `${(v * 100).toFixed(1)}%` : v;
}
