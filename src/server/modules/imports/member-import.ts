import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import { rows as rowsOf, type Tx } from '../../../db/client';
import { members, orgs, persons } from '../../../db/schema';
import { BRANCH_POSITIONS } from '../../../domain/cadres';
import { chinaDate } from '../../../domain/dates';
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
import { DomainError } from '../../../domain/errors';
import { normalizeIdNumber } from '../../../domain/id-number';
import { maskIdNumber, maskPhone } from '../../../domain/masking';
import { checkMemberEntry, type EntryField } from '../../../domain/member-entry';
import { isValidPhone } from '../../../domain/members';
import { isWithin } from '../../../domain/scope';
import type { AppContext } from '../../context';
import { derivedFacts } from '../members/members.service';
import { inSubtree } from '../orgs/orgs.repo';
import { arr, type ImportColumn, type ImportJob, type ImportKind, type RawRow, type RowProblem, type StagedRow } from './engine';

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
const HEADER = Object.fromEntries(MEMBER_COLUMNS.map((c) => [c.key, c.header])) as Record<string, string>;
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
}

interface Branch {
  id: number;
  name: string;
  fullName: string;
  path: string;
  category: OrgCategory;
  graduationAt: string | null;
}

interface Prep {
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

async function loadBranches(ctx: AppContext, job: ImportJob): Promise<Pick<Prep, 'single' | 'byKey'>> {
  const [target] = await ctx.db.select().from(orgs).where(and(eq(orgs.id, job.targetOrgId), isNull(orgs.deletedAt)));
  if (!target || !isWithin(target.path, job.scopePath)) throw new DomainError('NOT_FOUND');
  const pick = (o: typeof target): Branch => ({ id: o.id, name: o.name, fullName: o.fullName, path: o.path, category: o.category, graduationAt: o.graduationAt });
  const byKey = new Map<string, Branch | null>();
  if (target.kind === 'BRANCH') {
    const b = pick(target);
    for (const k of [b.fullName, b.name, String(b.id)]) byKey.set(k, b);
    return { single: b, byKey };
  }
  const rows = await ctx.db
    .select()
    .from(orgs)
    .where(and(inSubtree(orgs.path, target.path), eq(orgs.kind, 'BRANCH'), isNull(orgs.deletedAt)));
  for (const o of rows) {
    const b = pick(o);
    byKey.set(String(b.id), b);
    byKey.set(b.fullName, b);
    // Short names repeat across a province (2023级1班团支部): a name matching two branches is ambiguous.
    byKey.set(b.name, byKey.has(b.name) && byKey.get(b.name)?.id !== b.id ? null : b);
  }
  return { single: null, byKey };
}

export const memberImport: ImportKind<MemberStaged, Prep> = {
  kind: 'MEMBERS',
  title: '团员团干部导入模板',
  sheetName: '团员团干部',
  columns: MEMBER_COLUMNS,
  instructions: [
    '1. 第一个工作表是数据表，第1行为表头，请勿修改表头文字；带 * 的列为必填。',
    '2. 身份证号码、手机号码、发展团员编号请保持“文本”格式，避免 Excel 把长数字改写。',
    '3. 民族、政治面貌、是否团干部、团内职务等请从下拉列表中选择。',
    '4. 导入下级团支部团员时，“所在团支部”填写团支部全称或组织编码，只能是您管理范围内的团支部。',
    '5. 系统会一次列出所有行的全部问题；可下载“错误说明”工作簿，在原表上修改后重新上传。',
    '6. 只有全部无误时才会导入；也可以选择“仅导入无误的行”，其余行以工作簿形式返回。',
    '7. 单元格中不能含有公式；文件不超过 20 MB。',
  ],

  async prepare(ctx, job) {
    return { today: chinaDate(ctx.clock.now()), ...(await loadBranches(ctx, job)), seenId: new Map(), seenPhone: new Map(), seenDev: new Map() };
  },

  async validate(ctx, job, prep, rows) {
    const staged: (StagedRow<MemberStaged> & { idIdx?: Buffer; phoneIdx?: Buffer; dev?: string })[] = [];
    for (const raw of rows) staged.push(validateRow(ctx, prep, raw));
    await checkSystemDuplicates(ctx, job, staged);
    return staged.map(({ idIdx: _i, phoneIdx: _p, dev: _d, ...row }) => {
      if (row.problems.some((p) => p.severity === 'error')) return { ...row, data: null };
      return row;
    });
  },

  async commit(tx, ctx, job, rows) {
    await commitMembers(tx, ctx, job, rows);
  },
};

function validateRow(ctx: AppContext, prep: Prep, raw: RawRow): StagedRow<MemberStaged> & { idIdx?: Buffer; phoneIdx?: Buffer; dev?: string } {
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
  let idIdx: Buffer | undefined;
  let phoneIdx: Buffer | undefined;
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
    idIdx = ctx.cipher.blindIndex('id', idNumber);
  }
  if (phone && isValidPhone(phone)) {
    const first = prep.seenPhone.get(phone);
    if (first !== undefined) err('phone', `与第${first}行的手机号码重复（一人一号）`);
    else prep.seenPhone.set(phone, raw.rowNo);
    phoneIdx = ctx.cipher.blindIndex('phone', phone);
  }
  if (developmentNumber) {
    const first = prep.seenDev.get(developmentNumber);
    if (first !== undefined) err('developmentNumber', `与第${first}行的发展团员编号重复`);
    else prep.seenDev.set(developmentNumber, raw.rowNo);
  }

  const ok = !problems.some((p) => p.severity === 'error') && birth && branch && politicalStatus && joinedLeagueAt;
  const data: MemberStaged | null = ok
    ? {
        name,
        personId: null,
        idEnc: ctx.cipher.encrypt(idNumber).toString('base64'),
        idIdx: idIdx!.toString('base64'),
        idMasked: maskIdNumber(idNumber),
        birthDate: birth!.birthDate,
        gender: birth!.gender,
        phoneEnc: phone ? ctx.cipher.encrypt(phone).toString('base64') : null,
        phoneIdx: phoneIdx ? phoneIdx.toString('base64') : null,
        phoneMasked: phone ? maskPhone(phone) : null,
        email,
        branchId: branch!.id,
        branchPath: branch!.path,
        record: {
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
        },
      }
    : null;
  return { rowNo: raw.rowNo, label: name || null, data, problems, idIdx, phoneIdx, dev: developmentNumber ?? undefined };
}

/**
 * Duplicates in the system, one query per batch and kind: a member already registered (and where —
 * the org is named only inside the admin's scope, SEC-1/SEC-4), a person with another name, a phone
 * used by someone else, a development number taken.
 */
async function checkSystemDuplicates(
  ctx: AppContext,
  job: ImportJob,
  rows: (StagedRow<MemberStaged> & { idIdx?: Buffer; phoneIdx?: Buffer; dev?: string })[],
): Promise<void> {
  const err = (row: StagedRow<MemberStaged>, key: string, message: string) => row.problems.push({ column: HEADER[key]!, message, severity: 'error' });
  const idIdxs = rows.flatMap((r) => (r.idIdx ? [r.idIdx] : []));
  if (idIdxs.length > 0) {
    const found = await ctx.db
      .select({ personId: persons.id, idx: persons.idNumberIdx, name: persons.name, memberPath: members.orgPath, branchName: orgs.name })
      .from(persons)
      .leftJoin(members, eq(members.personId, persons.id))
      .leftJoin(orgs, eq(orgs.id, members.branchId))
      .where(inArray(persons.idNumberIdx, idIdxs));
    const byIdx = new Map(found.map((f) => [f.idx.toString('base64'), f]));
    for (const r of rows) {
      const f = r.idIdx && byIdx.get(r.idIdx.toString('base64'));
      if (!f) continue;
      if (f.memberPath) {
        const where = isWithin(f.memberPath, job.scopePath) ? `“${f.branchName}”` : '其他组织（不在您的管理范围内）';
        err(r, 'idNumber', `该身份证号码已在${where}登记为团员，如需调整请办理组织关系转接`);
      } else if (f.name !== r.label) {
        err(r, 'name', `该身份证号码已登记，姓名为“${f.name.slice(0, 1)}*”，与填写的不一致`);
      } else if (r.data) {
        r.data.personId = f.personId;
      }
    }
  }
  const phoneIdxs = rows.flatMap((r) => (r.phoneIdx ? [r.phoneIdx] : []));
  if (phoneIdxs.length > 0) {
    const found = await ctx.db.select({ idx: persons.phoneIdx, idIdx: persons.idNumberIdx }).from(persons).where(inArray(persons.phoneIdx, phoneIdxs));
    const byIdx = new Map(found.map((f) => [f.idx!.toString('base64'), f.idIdx.toString('base64')]));
    for (const r of rows) {
      const owner = r.phoneIdx && byIdx.get(r.phoneIdx.toString('base64'));
      if (owner && owner !== r.idIdx?.toString('base64')) err(r, 'phone', '该手机号码已被系统中的其他人使用（一人一号）');
    }
  }
  const devs = rows.flatMap((r) => (r.dev ? [r.dev] : []));
  if (devs.length > 0) {
    const found = await ctx.db.select({ n: members.developmentNumber }).from(members).where(inArray(members.developmentNumber, devs));
    const taken = new Set(found.map((f) => f.n));
    for (const r of rows) if (r.dev && taken.has(r.dev)) err(r, 'developmentNumber', '该发展团员编号已被系统中的其他团员使用');
  }
}

const CHUNK = 2000;


/**
 * Writes the staged members in bulk — persons, members, memberships, accounts, branch cadre posts and
 * one audit row per member — with INSERT … SELECT FROM unnest(arrays): a handful of statements per
 * 2,000 rows, each with a few array parameters instead of tens of thousands of scalar ones.
 */
async function commitMembers(tx: Tx, ctx: AppContext, job: ImportJob, rows: { rowNo: number; data: MemberStaged }[]): Promise<void> {
  const now = ctx.clock.now();
  const nowIso = now.toISOString();
  const today = chinaDate(now);
  for (let i = 0; i < rows.length; i += CHUNK) {
    const part = rows.slice(i, i + CHUNK);
    const chunk = part.map((r) => r.data);
    const fresh = chunk.filter((d) => d.personId === null);
    if (fresh.length > 0) {
      const inserted = await rowsOf<{ id: number; idx: string }>(
        tx,
        sql`INSERT INTO persons (name, id_number_enc, id_number_idx, id_number_masked, gender, birth_date, phone_enc, phone_idx, phone_masked, email, created_at, updated_at)
            SELECT n, decode(ie, 'base64'), decode(ii, 'base64'), im, g::gender, b::date, decode(pe, 'base64'), decode(pi, 'base64'), pm, em, ${nowIso}::timestamptz, ${nowIso}::timestamptz
            FROM unnest(${arr(fresh.map((d) => d.name), 'text')}, ${arr(fresh.map((d) => d.idEnc), 'text')}, ${arr(fresh.map((d) => d.idIdx), 'text')},
                        ${arr(fresh.map((d) => d.idMasked), 'text')}, ${arr(fresh.map((d) => d.gender), 'text')}, ${arr(fresh.map((d) => d.birthDate), 'text')},
                        ${arr(fresh.map((d) => d.phoneEnc), 'text')}, ${arr(fresh.map((d) => d.phoneIdx), 'text')}, ${arr(fresh.map((d) => d.phoneMasked), 'text')},
                        ${arr(fresh.map((d) => d.email), 'text')}) AS t(n, ie, ii, im, g, b, pe, pi, pm, em)
            RETURNING id, encode(id_number_idx, 'base64') AS idx`,
      );
      const byIdx = new Map(inserted.map((r) => [r.idx.replace(/\n/g, ''), r.id]));
      for (const d of fresh) d.personId = byIdx.get(d.idIdx)!;
    }
    const facts = chunk.map((d) => derivedFacts({ ...d.record, birthDate: d.birthDate, hasPhone: d.phoneIdx !== null }));
    const col = <K extends keyof MemberStaged['record']>(k: K) => chunk.map((d) => d.record[k]);
    const inserted = await rowsOf<{ id: number; personId: number }>(
      tx,
      sql`INSERT INTO members (person_id, branch_id, org_path, ethnicity, political_status, joined_league_at, admitted_at, development_number, identity_evidence,
                               identity_status, identity_issues, is_cadre, league_position, education, highest_education, occupation, work_unit, hukou_address,
                               residence_address, profile_complete, created_at, updated_at)
          SELECT p, br, op, eth, ps::political_status, j, ad::date, dev, ev::identity_evidence, ist::identity_status, iss::jsonb, cad, lp, ed, hed, occ, wu, hk, ra, pc, ${nowIso}::timestamptz, ${nowIso}::timestamptz
          FROM unnest(${arr(chunk.map((d) => d.personId), 'int')}, ${arr(chunk.map((d) => d.branchId), 'int')}, ${arr(chunk.map((d) => d.branchPath), 'text')},
                      ${arr(col('ethnicity'), 'text')}, ${arr(col('politicalStatus'), 'text')}, ${arr(col('joinedLeagueAt'), 'text')}, ${arr(col('admittedAt'), 'text')},
                      ${arr(col('developmentNumber'), 'text')}, ${arr(col('identityEvidence'), 'text')}, ${arr(facts.map((f) => f.identityStatus), 'text')},
                      ${arr(facts.map((f) => JSON.stringify(f.identityIssues)), 'text')}, ${arr(col('isCadre'), 'bool')}, ${arr(col('leaguePosition'), 'text')},
                      ${arr(col('education'), 'text')}, ${arr(col('highestEducation'), 'text')}, ${arr(col('occupation'), 'text')}, ${arr(col('workUnit'), 'text')},
                      ${arr(col('hukouAddress'), 'text')}, ${arr(col('residenceAddress'), 'text')}, ${arr(facts.map((f) => f.profileComplete), 'bool')})
               AS t(p, br, op, eth, ps, j, ad, dev, ev, ist, iss, cad, lp, ed, hed, occ, wu, hk, ra, pc)
          RETURNING id, person_id AS "personId"`,
    );
    const memberOf = new Map(inserted.map((r) => [r.personId, r.id]));
    const memberIds = chunk.map((d) => memberOf.get(d.personId!)!);
    await tx.execute(
      sql`INSERT INTO memberships (member_id, branch_id, started_at, start_reason)
          SELECT m, b, ${nowIso}::timestamptz, 'ENTRY' FROM unnest(${arr(memberIds, 'int')}, ${arr(chunk.map((d) => d.branchId), 'int')}) AS t(m, b)`,
    );
    await tx.execute(
      sql`INSERT INTO accounts (person_id, issued_at, must_change_password)
          SELECT p, ${nowIso}::timestamptz, true FROM unnest(${arr(chunk.map((d) => d.personId), 'int')}) AS t(p) ON CONFLICT DO NOTHING`,
    );
    // The branch cadre post kept in step with the record (as syncBranchCadre does for one member): a new
    // member of the branch holds no post there yet, so the posts are inserted in bulk.
    const cadres = chunk.filter((d) => d.record.isCadre);
    if (cadres.length > 0) {
      await tx.execute(
        sql`INSERT INTO cadre_positions (person_id, org_id, position, started_at)
            SELECT p, o, pos, ${today}::date FROM unnest(${arr(cadres.map((d) => d.personId), 'int')}, ${arr(cadres.map((d) => d.branchId), 'int')},
                                                  ${arr(cadres.map((d) => d.record.leaguePosition), 'text')}) AS t(p, o, pos)`,
      );
    }
    await tx.execute(
      sql`INSERT INTO audit_log (at, actor_person_id, actor_name, acting_org_id, action, object_type, object_id, object_label, org_path, changes, result, reason)
          SELECT ${nowIso}::timestamptz, ${job.actorPersonId}, ${job.actorName}, ${job.actingOrgId}, 'MEMBER_CREATE', 'member', o, l, op, c::jsonb, 'OK', r
          FROM unnest(${arr(memberIds.map(String), 'text')}, ${arr(chunk.map((d) => `${d.name}（${d.idMasked}）`), 'text')}, ${arr(chunk.map((d) => d.branchPath), 'text')},
                      ${arr(chunk.map((d) => JSON.stringify({ branchId: { before: null, after: d.branchId }, importJob: { before: null, after: job.id } })), 'text')},
                      ${arr(part.map((r) => `Excel 导入（第${r.rowNo}行）`), 'text')}) AS t(o, l, op, c, r)`,
    );
  }
}
