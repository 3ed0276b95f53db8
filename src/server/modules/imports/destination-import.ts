import { and, eq, isNull, sql } from 'drizzle-orm';
import { rows } from '../../../db/client';
import { members, orgs } from '../../../db/schema';
import { DESTINATION_FIELDS, isGraduateForDestination, type Destination, type DestinationField } from '../../../domain/campaign';
import { DomainError } from '../../../domain/errors';
import { isWithin } from '../../../domain/scope';
import { destinationProblems, writeDestination } from '../graduation/campaign.service';
import { inSubtree } from '../orgs/orgs.repo';
import type { ImportColumn, ImportKind, RowProblem, StagedRow } from './engine';

/**
 * MEM-7 as an Excel round trip: the export of `GET /api/graduation/destinations/export` is this
 * template filled in; the 团员编号 column is the stable key, 姓名 must match it, and the informational
 * columns (masked ID number, branch, township name) are not read back. An empty cell clears the field:
 * the row is the whole destination.
 */
export const DESTINATION_COLUMNS: ImportColumn[] = [
  { key: 'memberId', header: '团员编号', required: true, width: 10, hint: '系统导出的编号，请勿修改' },
  { key: 'name', header: '姓名', required: true, width: 10, hint: '须与团员编号对应的姓名一致' },
  { key: 'idNumber', header: '身份证号码', width: 22, hint: '已脱敏，仅供核对，导入时不读取' },
  { key: 'branchName', header: '所在团支部', width: 28, hint: '仅供核对，导入时不读取' },
  { key: 'destinationUnit', header: DESTINATION_FIELDS.destinationUnit.label, width: 24, hint: `不超过${DESTINATION_FIELDS.destinationUnit.max}字` },
  { key: 'destinationAddress', header: DESTINATION_FIELDS.destinationAddress.label, width: 30, hint: `不超过${DESTINATION_FIELDS.destinationAddress.max}字` },
  { key: 'destinationRegionCode', header: DESTINATION_FIELDS.destinationRegionCode.label, width: 14, hint: '9位乡镇街道区划代码，例如 330106004（西溪街道）；请保持“文本”格式' },
  { key: 'regionName', header: '单位所在乡镇街道', width: 28, hint: '仅供核对，导入时不读取（以区划代码为准）' },
  { key: 'hukouAddress', header: DESTINATION_FIELDS.hukouAddress.label, width: 30, hint: `不超过${DESTINATION_FIELDS.hukouAddress.max}字` },
  { key: 'residenceAddress', header: DESTINATION_FIELDS.residenceAddress.label, width: 30, hint: `不超过${DESTINATION_FIELDS.residenceAddress.max}字` },
  { key: 'parentsAddress', header: DESTINATION_FIELDS.parentsAddress.label, width: 30, hint: `不超过${DESTINATION_FIELDS.parentsAddress.max}字` },
];
const HEADER = Object.fromEntries(DESTINATION_COLUMNS.map((c) => [c.key, c.header])) as Record<string, string>;
const FIELDS = Object.keys(DESTINATION_FIELDS) as DestinationField[];

export interface DestinationStaged {
  memberId: number;
  name: string;
  destination: Destination;
}

interface Prep {
  path: string;
  seen: Map<number, number>;
}

interface Found {
  id: number;
  name: string;
  status: string;
  graduateStatus: string | null;
  category: string;
  graduationAt: string | null;
}

export const destinationImport: ImportKind<DestinationStaged, Prep> = {
  kind: 'DESTINATIONS',
  title: '毕业生去向导入模板',
  sheetName: '毕业生去向',
  columns: DESTINATION_COLUMNS,
  instructions: [
    '1. 请先在“学社衔接 → 毕业去向”中导出本组织的毕业生名单，在导出的文件中填写后再导入。',
    '2. “团员编号”和“姓名”用于确认是哪一名毕业生，请勿修改；身份证号码、所在团支部和乡镇街道名称仅供核对。',
    '3. 每一行是该毕业生完整的去向信息：留空的单元格会清空原有内容。',
    '4. 单位所在地填写9位乡镇街道区划代码。全部无误才会导入；也可以选择“仅导入无误的行”。单元格中不能含有公式。',
  ],

  async prepare(ctx, job) {
    const [org] = await ctx.db.select().from(orgs).where(and(eq(orgs.id, job.targetOrgId), isNull(orgs.deletedAt)));
    if (!org || !isWithin(org.path, job.scopePath)) throw new DomainError('NOT_FOUND');
    return { path: org.path, seen: new Map() };
  },

  async validate(ctx, _job, prep, batch) {
    const ids = batch.map((r) => Number(r.cells.memberId)).filter((n) => Number.isSafeInteger(n) && n > 0);
    const found = ids.length
      ? await rows<Found>(
          ctx.db,
          sql`SELECT m.id, p.name, m.status, m.graduate_status AS "graduateStatus", b.category, b.graduation_at AS "graduationAt"
            FROM members m JOIN persons p ON p.id = m.person_id JOIN orgs b ON b.id = m.branch_id
            WHERE m.id IN (${sql.join(ids.map((i) => sql`${i}`), sql`, `)}) AND ${inSubtree(sql`m.org_path`, prep.path)}`,
        )
      : [];
    const byId = new Map(found.map((f) => [f.id, f]));
    const out: StagedRow<DestinationStaged>[] = [];
    for (const raw of batch) {
      const c = raw.cells;
      const problems: RowProblem[] = [...raw.problems];
      const err = (key: string, message: string) => problems.push({ column: HEADER[key]!, message, severity: 'error' });
      for (const col of DESTINATION_COLUMNS) if (col.required && !c[col.key]) err(col.key, '必填项未填写');
      const id = Number(c.memberId);
      if (c.memberId && !(Number.isSafeInteger(id) && id > 0)) err('memberId', `团员编号“${c.memberId}”应为数字`);
      else if (c.memberId) {
        const m = byId.get(id);
        const first = prep.seen.get(id);
        if (first !== undefined) err('memberId', `与第${first}行的团员编号重复`);
        else prep.seen.set(id, raw.rowNo);
        // Missing, outside the org and 离团 read the same (SEC-1).
        if (!m || m.status !== 'ACTIVE') err('memberId', '本组织中没有该团员编号的团员');
        else {
          if (c.name && m.name !== c.name) err('name', `姓名与团员编号${id}的登记姓名不一致`);
          if (!isGraduateForDestination(m, m)) err('memberId', '该团员不是毕业生，不填写毕业去向');
        }
      }
      const destination = Object.fromEntries(FIELDS.map((f) => [f, c[f] ? c[f] : null])) as Destination;
      for (const p of destinationProblems(destination)) err(p.field, p.message);
      const ok = !problems.some((p) => p.severity === 'error');
      out.push({ rowNo: raw.rowNo, label: c.name || null, problems, data: ok ? { memberId: id, name: c.name!, destination } : null });
    }
    return out;
  },

  async commit(tx, ctx, job, staged) {
    const [org] = await tx.select({ path: orgs.path }).from(orgs).where(eq(orgs.id, job.targetOrgId));
    const actor = { personId: job.actorPersonId, name: job.actorName, actingOrgId: job.actingOrgId };
    for (const { rowNo, data } of staged) {
      // Checked again under the row lock: a graduate moved out since validation fails the whole commit.
      const [member] = await tx
        .select()
        .from(members)
        .where(and(eq(members.id, data.memberId), eq(members.status, 'ACTIVE'), inSubtree(members.orgPath, org?.path ?? job.scopePath)))
        .for('update');
      if (!member) throw new DomainError('NOT_FOUND', `第${rowNo}行：团员编号${data.memberId}已不在本组织中，请重新导出后填写`);
      await writeDestination(tx, ctx, actor, member, data.name, data.destination, `Excel 导入（第${rowNo}行）`);
    }
  },
};
