import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import { cadrePositions, orgs, persons } from '../../../db/schema';
import { LEADERSHIP_POSITIONS, checkCadrePost, positionsFor } from '../../../domain/cadres';
import { chinaDate } from '../../../domain/dates';
import { CADRE_NATURES, CADRE_NATURE_LABELS, type CadreNature, type OrgKind } from '../../../domain/enums';
import { normalizeIdNumber, validateIdNumber } from '../../../domain/id-number';
import { maskIdNumber } from '../../../domain/masking';
import { isValidPhone } from '../../../domain/members';
import { DomainError } from '../../../domain/errors';
import { isWithin } from '../../../domain/scope';
import { writeAudit } from '../../audit';
import { findOrCreatePerson } from '../people/persons';
import type { ImportColumn, ImportKind, RowProblem, StagedRow } from './engine';

const NATURE_BY_LABEL = new Map(CADRE_NATURES.map((n) => [CADRE_NATURE_LABELS[n], n]));

export const CADRE_COLUMNS: ImportColumn[] = [
  { key: 'name', header: '姓名', required: true, width: 10 },
  { key: 'idNumber', header: '身份证号码', required: true, width: 22, hint: '18位居民身份证号码；请保持该列为“文本”格式' },
  { key: 'position', header: '职务', required: true, width: 12, list: LEADERSHIP_POSITIONS, hint: '团委、团工委、团总支：书记、副书记、委员、工作人员；领导机关另有常委、候补委员' },
  { key: 'nature', header: '干部性质', width: 10, list: CADRE_NATURES.map((n) => CADRE_NATURE_LABELS[n]), hint: '仅领导机关团委填写（专职、挂职、兼职），其他组织留空' },
  { key: 'phone', header: '手机号码', width: 14 },
  { key: 'startedAt', header: '任职日期', width: 12, date: true, hint: '格式：2024-09-01；留空为今天' },
];
const HEADER = Object.fromEntries(CADRE_COLUMNS.map((c) => [c.key, c.header])) as Record<string, string>;

export interface CadreStaged {
  name: string;
  idNumberEnc: string;
  phoneEnc: string | null;
  position: string;
  nature: CadreNature | null;
  startedAt: string;
}

interface Prep {
  today: string;
  org: { id: number; kind: OrgKind; path: string; name: string };
  seen: Map<string, number>;
}

/** CAD-1: batch import of 本级团干部 of a committee or leadership organ, with the same rules as one by one. */
export const cadreImport: ImportKind<CadreStaged, Prep> = {
  kind: 'CADRES',
  title: '本级团干部导入模板',
  sheetName: '本级团干部',
  columns: CADRE_COLUMNS,
  instructions: [
    '1. 导入的是当前团委（团工委、团总支、领导机关团委）的本级团干部；团支部的团干部随团员信息导入。',
    '2. 带 * 的列为必填；身份证号码请保持“文本”格式。',
    '3. 领导机关团委的团干部须注明干部性质（专职、挂职、兼职），其他组织不填。',
    '4. 全部无误才会导入；也可以选择“仅导入无误的行”。单元格中不能含有公式；文件不超过 20 MB。',
  ],

  async prepare(ctx, job) {
    const [org] = await ctx.db.select().from(orgs).where(and(eq(orgs.id, job.targetOrgId), isNull(orgs.deletedAt)));
    if (!org || !isWithin(org.path, job.scopePath)) throw new DomainError('NOT_FOUND');
    return { today: chinaDate(ctx.clock.now()), org: { id: org.id, kind: org.kind, path: org.path, name: org.name }, seen: new Map() };
  },

  async validate(ctx, _job, prep, rows) {
    const out: (StagedRow<CadreStaged> & { idx?: Buffer })[] = [];
    for (const raw of rows) {
      const c = raw.cells;
      const problems: RowProblem[] = [...raw.problems];
      const err = (key: string, message: string) => problems.push({ column: HEADER[key]!, message, severity: 'error' });
      for (const col of CADRE_COLUMNS) if (col.required && !c[col.key]) err(col.key, '必填项未填写');
      const idNumber = normalizeIdNumber(c.idNumber ?? '');
      const id = idNumber ? validateIdNumber(idNumber, prep.today) : null;
      if (id && !id.ok) err('idNumber', id.message);
      const nature = c.nature ? NATURE_BY_LABEL.get(c.nature) : undefined;
      if (c.nature && !nature) err('nature', '干部性质应为：专职、挂职、兼职');
      if (c.position) {
        const post = checkCadrePost(prep.org.kind, c.position, nature ?? null);
        if (!post.ok) err(post.code.startsWith('CAD_2') ? 'nature' : 'position', post.code === 'CAD_1_POSITION_INVALID' ? `“${c.position}”不是${prep.org.name}的团干部职务，可选：${positionsFor(prep.org.kind).join('、')}` : post.message);
      }
      if (c.phone && !isValidPhone(c.phone)) err('phone', `手机号码“${c.phone}”应为11位数字，以1开头`);
      const startedAt = c.startedAt ? (/^\d{4}-\d{2}-\d{2}$/.test(c.startedAt) ? c.startedAt : null) : prep.today;
      if (!startedAt) err('startedAt', `日期“${c.startedAt}”格式不正确，应为 2024-09-01`);
      else if (startedAt > prep.today) err('startedAt', '任职日期不能晚于今天');
      let idx: Buffer | undefined;
      if (id?.ok) {
        const first = prep.seen.get(id.value);
        if (first !== undefined) err('idNumber', `与第${first}行的身份证号码重复`);
        else prep.seen.set(id.value, raw.rowNo);
        idx = ctx.cipher.blindIndex('id', id.value);
      }
      const ok = !problems.some((p) => p.severity === 'error');
      out.push({
        rowNo: raw.rowNo,
        label: c.name || null,
        idx,
        problems,
        data: ok
          ? { name: c.name!, idNumberEnc: ctx.cipher.encrypt(id!.ok ? id!.value : '').toString('base64'), phoneEnc: c.phone ? ctx.cipher.encrypt(c.phone).toString('base64') : null, position: c.position!, nature: nature ?? null, startedAt: startedAt! }
          : null,
      });
    }
    // In the system: a current cadre of this org already, or an ID number registered under another name.
    const idxs = out.flatMap((r) => (r.idx ? [r.idx] : []));
    if (idxs.length > 0) {
      const found = await ctx.db
        .select({ idx: persons.idNumberIdx, name: persons.name, postId: cadrePositions.id })
        .from(persons)
        .leftJoin(cadrePositions, and(eq(cadrePositions.personId, persons.id), eq(cadrePositions.orgId, prep.org.id), isNull(cadrePositions.endedAt)))
        .where(inArray(persons.idNumberIdx, idxs));
      const byIdx = new Map(found.map((f) => [f.idx.toString('base64'), f]));
      for (const r of out) {
        const f = r.idx && byIdx.get(r.idx.toString('base64'));
        if (!f) continue;
        if (f.postId) r.problems.push({ column: '身份证号码', message: `此人已是${prep.org.name}的在任团干部，请使用职务变更`, severity: 'error' });
        else if (f.name !== r.label) r.problems.push({ column: '姓名', message: `该身份证号码已登记，姓名为“${f.name.slice(0, 1)}*”，与填写的不一致`, severity: 'error' });
      }
    }
    return out.map(({ idx: _i, ...r }) => (r.problems.some((p) => p.severity === 'error') ? { ...r, data: null } : r));
  },

  async commit(tx, ctx, job, rows) {
    for (const { rowNo, data: d } of rows) {
      const idNumber = ctx.cipher.decrypt(Buffer.from(d.idNumberEnc, 'base64'));
      const id = validateIdNumber(idNumber);
      if (!id.ok) throw new DomainError(id.code);
      const phone = d.phoneEnc ? ctx.cipher.decrypt(Buffer.from(d.phoneEnc, 'base64')) : null;
      const { person } = await findOrCreatePerson(tx, ctx, { name: d.name, idNumber, birthDate: id.birthDate, gender: id.gender, phone });
      const [post] = await tx
        .insert(cadrePositions)
        .values({ personId: person.id, orgId: job.targetOrgId, position: d.position, nature: d.nature, startedAt: d.startedAt })
        .returning({ id: cadrePositions.id, orgPath: sql`(SELECT path FROM orgs WHERE id = ${job.targetOrgId})` });
      await writeAudit(tx, { clock: ctx.clock }, { personId: job.actorPersonId, name: job.actorName, actingOrgId: job.actingOrgId }, {
        action: 'CADRE_CREATE',
        result: 'OK',
        objectType: 'cadre',
        objectId: post!.id,
        objectLabel: `${d.name}（${maskIdNumber(idNumber)}）`,
        orgPath: String(post!.orgPath),
        changes: { position: { before: null, after: d.position }, importJob: { before: null, after: job.id } },
        reason: `Excel 导入（第${rowNo}行）`,
      });
    }
  },
};
