import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import { rows as rowsOf, type Tx } from '../../../db/client';
import { members, orgs, persons } from '../../../db/schema';
import { chinaDate } from '../../../domain/dates';
import { DomainError } from '../../../domain/errors';
import { isWithin } from '../../../domain/scope';
import type { AppContext } from '../../context';
import { derivedFacts } from '../members/members.service';
import { inSubtree } from '../orgs/orgs.repo';
import { arr, type ImportJob, type ImportKind, type StagedRow } from './engine';
import { HEADER, MEMBER_COLUMNS, validateRow, type Branch, type MemberChecked, type MemberStaged, type Prep } from './member-rows';

export { MEMBER_COLUMNS, type MemberStaged } from './member-rows';

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

  // Runs on the main thread only when called directly; imports validate in the worker (offThread).
  async validate(ctx, job, prep, rows) {
    return finishRows(ctx, job, rows.map((raw) => validateRow(ctx.cipher, prep, raw)));
  },

  // Parsing, MEM-1..4 and encryption in the import worker (worker-kinds.ts); the system duplicates here.
  offThread: {
    workerPrep: (prep) => prep,
    finish: (ctx, job, _prep, rows) => finishRows(ctx, job, rows as MemberChecked[]),
  },

  async commit(tx, ctx, job, rows) {
    await commitMembers(tx, ctx, job, rows);
  },
};

async function finishRows(ctx: AppContext, job: ImportJob, staged: MemberChecked[]): Promise<StagedRow<MemberStaged>[]> {
  await checkSystemDuplicates(ctx, job, staged);
  return staged.map(({ idIdx: _i, phoneIdx: _p, dev: _d, ...row }) => {
    if (row.problems.some((p) => p.severity === 'error')) return { ...row, data: null };
    return row;
  });
}

/**
 * Duplicates in the system, one query per batch and kind: a member already registered (and where —
 * the org is named only inside the admin's scope, SEC-1/SEC-4), a person with another name, a phone
 * used by someone else, a development number taken.
 */
async function checkSystemDuplicates(
  ctx: AppContext,
  job: ImportJob,
  rows: MemberChecked[],
): Promise<void> {
  const err = (row: StagedRow<MemberStaged>, key: string, message: string) => row.problems.push({ column: HEADER[key]!, message, severity: 'error' });
  const idIdxs = rows.flatMap((r) => (r.idIdx ? [r.idIdx] : []));
  if (idIdxs.length > 0) {
    const found = await ctx.db
      .select({ personId: persons.id, idx: persons.idNumberIdx, name: persons.name, memberPath: members.orgPath, branchName: orgs.name })
      .from(persons)
      .leftJoin(members, eq(members.personId, persons.id))
      .leftJoin(orgs, eq(orgs.id, members.branchId))
      .where(inArray(persons.idNumberIdx, idIdxs.map((i) => Buffer.from(i, 'base64'))));
    const byIdx = new Map(found.map((f) => [f.idx.toString('base64'), f]));
    for (const r of rows) {
      const f = r.idIdx && byIdx.get(r.idIdx);
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
    const found = await ctx.db.select({ idx: persons.phoneIdx, idIdx: persons.idNumberIdx }).from(persons).where(inArray(persons.phoneIdx, phoneIdxs.map((i) => Buffer.from(i, 'base64'))));
    const byIdx = new Map(found.map((f) => [f.idx!.toString('base64'), f.idIdx.toString('base64')]));
    for (const r of rows) {
      const owner = r.phoneIdx && byIdx.get(r.phoneIdx);
      if (owner && owner !== r.idIdx) err(r, 'phone', '该手机号码已被系统中的其他人使用（一人一号）');
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
