import { BRANCH_POSITIONS } from '../../../domain/cadres';
import {
  EDUCATION_LEVELS,
  ETHNICITIES,
  IDENTITY_EVIDENCES,
  OCCUPATIONS,
  POLITICAL_STATUSES,
  POLITICAL_STATUS_LABELS,
  type IdentityEvidence,
  type OrgCategory,
  type PoliticalStatus,
} from '../../../domain/enums';
import { normalizeIdNumber } from '../../../domain/id-number';
import { maskIdNumber, maskPhone } from '../../../domain/masking';
import { checkMemberEntry, type EntryField } from '../../../domain/member-entry';
import { derivedFacts, isValidPhone } from '../../../domain/members';
import type { PiiCipher } from '../../../lib/pii';
import type { ImportColumn, RawRow, RowProblem, StagedRow } from './engine';

/**
 * The member import's per-row checks (MEM-1..4, CAD-1, in-file duplicates) and encryption: pure, no
 * database, so they run in the import worker thread (worker-kinds.ts). The database checks for
 * duplicates in the system stay in member-import.ts, on the main thread.
 */
/** Short labels in the template, as the original 智慧团建 template spells them. */
const EVIDENCE_LABELS: Record<IdentityEvidence, string> = {
  APPLICATION_FORM: '入团志愿书',
  MEMBER_CARD: '团员证',
  INTRODUCTION_LETTER: '组织关系介绍信',
};
const POLITICAL_BY_LABEL = new Map(POLITICAL_STATUSES.map((s) => [POLITICAL_STATUS_LABELS[s], s]));
const EVIDENCE_BY_LABEL = new Map(IDENTITY_EVIDENCES.map((e) => [EVIDENCE_LABELS[e], e]));

export const MEMBER_COLUMNS: ImportColumn[] = [
  { key: 'name', header: '姓名', required: true, width: 10, hint: '与身份证一致' },
  { key: 'idNumber', header: '身份证号码', required: true, width: 22, hint: '18位居民身份证号码，末位X大小写均可；请保持该列为“文本”格式' },
  { key: 'ethnicity', header: '民族', required: true, width: 10, list: ETHNICITIES },
  { key: 'politicalStatus', header: '政治面貌', required: true, width: 12, list: POLITICAL_STATUSES.map((s) => POLITICAL_STATUS_LABELS[s]) },
  { key: 'joinedLeagueAt', header: '入团年月', required: true, width: 10, date: true, hint: '格式：2020-05（年-月）' },
  { key: 'branch', header: '所在团支部', required: true, width: 30, hint: '团支部全称或组织编码；导入到单个团支部时可留空' },
  { key: 'isCadre', header: '是否团干部', required: true, width: 10, list: ['是', '否'] },
  { key: 'leaguePosition', header: '团内职务', width: 10, list: BRANCH_POSITIONS, hint: `是团干部时必填：${BRANCH_POSITIONS.join('、')}` },
  { key: 'phone', header: '手机号码', width: 14, hint: '11位手机号码，一人一号；毕业学生必填' },
  { key: 'identityEvidence', header: '团员身份认定依据', width: 14, list: IDENTITY_EVIDENCES.map((e) => EVIDENCE_LABELS[e]), hint: '2017年及以后入团须为入团志愿书' },
  { key: 'developmentNumber', header: '发展团员编号', width: 16, hint: '2017年及以后入团须填写：12位数字，前四位为入团年份' },
  { key: 'admittedAt', header: '支部大会通过日期', width: 14, date: true, hint: '格式：2020-05-04；录入晚于此日期一个月将列入超期录入' },
  { key: 'education', header: '全日制学历', width: 12, list: EDUCATION_LEVELS },
  { key: 'highestEducation', header: '最高学历', width: 12, list: EDUCATION_LEVELS },
  { key: 'occupation', header: '职业', width: 14, list: OCCUPATIONS },
  { key: 'workUnit', header: '工作/学习单位', width: 20 },
  { key: 'hukouAddress', header: '户籍所在地', width: 20 },
  { key: 'residenceAddress', header: '现居住地', width: 20 },
  { key: 'email', header: '电子邮箱', width: 20 },
];
export const HEADER = Object.fromEntries(MEMBER_COLUMNS.map((c) => [c.key, c.header])) as Record<string, string>;
const FIELD_COLUMN: Record<EntryField, string> = {
  idNumber: 'idNumber',
  joinedLeagueAt: 'joinedLeagueAt',
  isCadre: 'isCadre',
  leaguePosition: 'leaguePosition',
  phone: 'phone',
  identityEvidence: 'identityEvidence',
  developmentNumber: 'developmentNumber',
  admittedAt: 'admittedAt',
};

/** A staged, valid row: everything the commit needs, with ID number and phone already encrypted. */
export interface MemberStaged {
  name: string;
  personId: number | null;
  idEnc: string;
  idIdx: string;
  idMasked: string;
  birthDate: string;
  gender: 'MALE' | 'FEMALE';
  phoneEnc: string | null;
  phoneIdx: string | null;
  phoneMasked: string | null;
  email: string | null;
  branchId: number;
  branchPath: string;
  record: {
    ethnicity: string;
    politicalStatus: PoliticalStatus;
    joinedLeagueAt: string;
    admittedAt: string | null;
    developmentNumber: string | null;
    identityEvidence: IdentityEvidence | null;
    isCadre: boolean;
    leaguePosition: string | null;
    education: string | null;
    highestEducation: string | null;
    occupation: string | null;
    workUnit: string | null;
    hukouAddress: string | null;
    residenceAddress: string | null;
  };
  /** MEM-3 / ST-2, derived here in the worker so the commit is INSERT … SELECT from the staged row. */
  facts: ReturnType<typeof derivedFacts>;
}

export interface Branch {
  id: number;
  name: string;
  fullName: string;
  path: string;
  category: OrgCategory;
  graduationAt: string | null;
}

export interface Prep {
  today: string;
  /** Branch mode: the one branch; multi mode: every branch in the target's subtree by full name, name and code. */
  single: Branch | null;
  byKey: Map<string, Branch | null>;
  seenId: Map<string, number>;
  seenPhone: Map<string, number>;
  seenDev: Map<string, number>;
}

function normYearMonth(v: string): string | null {
  const m = /^(\d{4})[-./年](\d{1,2})(?:[-./月](\d{1,2})日?)?月?$/.exec(v) ?? /^(\d{4})(\d{2})$/.exec(v);
  if (!m) return null;
  const month = Number(m[2]);
  if (month < 1 || month > 12) return null;
  return `${m[1]}-${String(month).padStart(2, '0')}`;
}

function normDate(v: string): string | null {
  const m = /^(\d{4})[-./年](\d{1,2})[-./月](\d{1,2})日?$/.exec(v);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  if (date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) return null;
  return `${m[1]}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}


/** A row validated in the worker: the blind indexes travel as base64 (a Buffer arrives as a plain Uint8Array). */
export type MemberChecked = StagedRow<MemberStaged> & { idIdx?: string; phoneIdx?: string; dev?: string };

/** One row; `prep`'s in-file duplicate maps grow as rows pass, so rows must come in file order. */
export function validateRow(cipher: PiiCipher, prep: Prep, raw: RawRow): MemberChecked {
  const c = raw.cells;
  const problems: RowProblem[] = [...raw.problems];
  const err = (key: string, message: string) => problems.push({ column: HEADER[key] ?? key, message, severity: 'error' });
  for (const col of MEMBER_COLUMNS) {
    if (col.required && !c[col.key] && !(col.key === 'branch' && prep.single)) err(col.key, '必填项未填写');
  }
  const name = c.name ?? '';
  if (name.length > 40) err('name', '姓名不能超过40个字');
  const ethnicity = c.ethnicity ?? '';
  if (ethnicity && !(ETHNICITIES as readonly string[]).includes(ethnicity)) err('ethnicity', `“${ethnicity}”不是可选的民族，请从下拉列表选择`);
  const politicalStatus = c.politicalStatus ? POLITICAL_BY_LABEL.get(c.politicalStatus) : undefined;
  if (c.politicalStatus && !politicalStatus) err('politicalStatus', `政治面貌应为：${[...POLITICAL_BY_LABEL.keys()].join('、')}`);
  const joinedLeagueAt = c.joinedLeagueAt ? normYearMonth(c.joinedLeagueAt) : null;
  if (c.joinedLeagueAt && !joinedLeagueAt) err('joinedLeagueAt', `入团年月“${c.joinedLeagueAt}”格式不正确，应为 2020-05`);
  const isCadreText = c.isCadre ?? '';
  if (isCadreText && isCadreText !== '是' && isCadreText !== '否') err('isCadre', '是否团干部应填“是”或“否”');
  const isCadre = isCadreText === '是';
  const leaguePosition = c.leaguePosition || null;
  const phone = c.phone || null;
  if (phone && !isValidPhone(phone)) err('phone', `手机号码“${phone}”应为11位数字，以1开头`);
  const evidence = c.identityEvidence ? EVIDENCE_BY_LABEL.get(c.identityEvidence) : undefined;
  if (c.identityEvidence && !evidence) err('identityEvidence', `团员身份认定依据应为：${[...EVIDENCE_BY_LABEL.keys()].join('、')}`);
  const developmentNumber = c.developmentNumber || null;
  const admittedAt = c.admittedAt ? normDate(c.admittedAt) : null;
  if (c.admittedAt && !admittedAt) err('admittedAt', `日期“${c.admittedAt}”格式不正确，应为 2020-05-04`);
  for (const key of ['education', 'highestEducation'] as const) {
    if (c[key] && !(EDUCATION_LEVELS as readonly string[]).includes(c[key])) err(key, `“${c[key]}”不是可选的学历，请从下拉列表选择`);
  }
  if (c.occupation && !(OCCUPATIONS as readonly string[]).includes(c.occupation)) err('occupation', `“${c.occupation}”不是可选的职业，请从下拉列表选择`);
  const email = c.email || null;
  if (email && (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email) || email.length > 128)) err('email', '电子邮箱格式不正确');
  for (const key of ['workUnit', 'hukouAddress', 'residenceAddress'] as const) {
    if ((c[key]?.length ?? 0) > 200) err(key, '不能超过200个字');
  }

  // The branch: the one being imported into, or the 所在团支部 column (full name, name or code), in scope only.
  let branch: Branch | null = prep.single;
  if (c.branch) {
    const found = prep.byKey.get(c.branch);
    if (found === null) err('branch', `有多个团支部名为“${c.branch}”，请填写团支部全称或组织编码`);
    else if (!found) err('branch', prep.single ? `“${c.branch}”不是当前导入的团支部（${prep.single.name}）` : `未找到团支部“${c.branch}”，或该团支部不在您的管理范围内`);
    else branch = found;
    if (found === null || !found) branch = null;
  }

  // The shared entry rules (MEM-1..4, CAD-1), exactly as the single-entry form applies them.
  const idNumber = normalizeIdNumber(c.idNumber ?? '');
  let idIdx: string | undefined;
  let phoneIdx: string | undefined;
  let birth: { birthDate: string; gender: 'MALE' | 'FEMALE' } | null = null;
  if (idNumber && joinedLeagueAt !== null && (isCadreText === '是' || isCadreText === '否' || !isCadreText)) {
    const entry = checkMemberEntry(
      { idNumber, joinedLeagueAt, isCadre, leaguePosition, phone, identityEvidence: evidence ?? null, developmentNumber, admittedAt },
      branch,
      prep.today,
    );
    for (const p of entry.errors) err(FIELD_COLUMN[p.field], p.message);
    for (const p of entry.warnings) problems.push({ column: HEADER[FIELD_COLUMN[p.field]]!, message: p.message, severity: 'warning' });
    if (entry.id) birth = { birthDate: entry.id.birthDate, gender: entry.id.gender };
  } else if (idNumber) {
    const entry = checkMemberEntry({ idNumber, joinedLeagueAt: '1900-01', isCadre: false }, null, prep.today);
    for (const p of entry.errors.filter((e) => e.field === 'idNumber')) err('idNumber', p.message);
    if (entry.id) birth = { birthDate: entry.id.birthDate, gender: entry.id.gender };
  }

  // Duplicates inside the file: the later row names the earlier one.
  if (birth) {
    const first = prep.seenId.get(idNumber);
    if (first !== undefined) err('idNumber', `与第${first}行的身份证号码重复`);
    else prep.seenId.set(idNumber, raw.rowNo);
    idIdx = cipher.blindIndex('id', idNumber).toString('base64');
  }
  if (phone && isValidPhone(phone)) {
    const first = prep.seenPhone.get(phone);
    if (first !== undefined) err('phone', `与第${first}行的手机号码重复（一人一号）`);
    else prep.seenPhone.set(phone, raw.rowNo);
    phoneIdx = cipher.blindIndex('phone', phone).toString('base64');
  }
  if (developmentNumber) {
    const first = prep.seenDev.get(developmentNumber);
    if (first !== undefined) err('developmentNumber', `与第${first}行的发展团员编号重复`);
    else prep.seenDev.set(developmentNumber, raw.rowNo);
  }

  const ok = !problems.some((p) => p.severity === 'error') && birth && branch && politicalStatus && joinedLeagueAt;
  const record: MemberStaged['record'] | null = ok
    ? {
        ethnicity,
        politicalStatus: politicalStatus!,
        joinedLeagueAt: joinedLeagueAt!,
        admittedAt,
        developmentNumber,
        identityEvidence: evidence ?? null,
        isCadre,
        leaguePosition: isCadre ? leaguePosition : null,
        education: c.education || null,
        highestEducation: c.highestEducation || null,
        occupation: c.occupation || null,
        workUnit: c.workUnit || null,
        hukouAddress: c.hukouAddress || null,
        residenceAddress: c.residenceAddress || null,
      }
    : null;
  const data: MemberStaged | null = record
    ? {
        name,
        personId: null,
        idEnc: cipher.encrypt(idNumber).toString('base64'),
        idIdx: idIdx!,
        idMasked: maskIdNumber(idNumber),
        birthDate: birth!.birthDate,
        gender: birth!.gender,
        phoneEnc: phone ? cipher.encrypt(phone).toString('base64') : null,
        phoneIdx: phoneIdx ?? null,
        phoneMasked: phone ? maskPhone(phone) : null,
        email,
        branchId: branch!.id,
        branchPath: branch!.path,
        record,
        facts: derivedFacts({ ...record, birthDate: birth!.birthDate, hasPhone: phoneIdx !== undefined }),
      }
    : null;
  return { rowNo: raw.rowNo, label: name || null, data, problems, idIdx, phoneIdx, dev: developmentNumber ?? undefined };
}
