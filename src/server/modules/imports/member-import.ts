import { and, eq, isNull, sql } from 'drizzle-orm';
import { rows as rowsOf, type Tx } from '../../../db/client';
import { orgs } from '../../../db/schema';
import { chinaDate } from '../../../domain/dates';
import { DomainError } from '../../../domain/errors';
import { isWithin } from '../../../domain/scope';
import { AUDIT_COLUMNS, auditActorColumns } from '../../audit';
import type { AppContext } from '../../context';
import { inSubtree } from '../orgs/orgs.repo';
import { type ImportJob, type ImportKind, type StagedRow } from './engine';
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

  commitStaged: commitStagedMembers,
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
  const phoneIdxs = rows.flatMap((r) => (r.phoneIdx ? [r.phoneIdx] : []));
  const devs = rows.flatMap((r) => (r.dev ? [r.dev] : []));
  if (idIdxs.length + phoneIdxs.length + devs.length === 0) return;
  // The three look-ups in ONE round trip, each key list as one jsonb parameter (not 1,000 scalar ones).
  const list = (values: string[]) => sql`(SELECT jsonb_array_elements_text(${JSON.stringify(values)}::jsonb))`;
  const found = await rowsOf<{ k: 'id' | 'phone' | 'dev'; key: string; personId: number | null; name: string | null; memberPath: string | null; branchName: string | null; owner: string | null }>(
    ctx.db,
    sql`SELECT 'id' AS k, encode(p.id_number_idx, 'base64') AS key, p.id AS "personId", p.name, m.org_path AS "memberPath", o.name AS "branchName", NULL AS owner
          FROM persons p LEFT JOIN members m ON m.person_id = p.id LEFT JOIN orgs o ON o.id = m.branch_id
          WHERE p.id_number_idx IN (SELECT decode(v, 'base64') FROM ${list(idIdxs)} AS t(v))
        UNION ALL
        SELECT 'phone', encode(p.phone_idx, 'base64'), NULL, NULL, NULL, NULL, encode(p.id_number_idx, 'base64')
          FROM persons p WHERE p.phone_idx IN (SELECT decode(v, 'base64') FROM ${list(phoneIdxs)} AS t(v))
        UNION ALL
        SELECT 'dev', m.development_number, NULL, NULL, NULL, NULL, NULL
          FROM members m WHERE m.development_number IN (SELECT v FROM ${list(devs)} AS t(v))`,
  );
  const byId = new Map<string, (typeof found)[number]>();
  const phoneOwner = new Map<string, string>();
  const takenDev = new Set<string>();
  for (const f of found) {
    // encode(…, 'base64') breaks lines after 76 characters.
    const key = f.k === 'dev' ? f.key : f.key.replace(/\n/g, '');
    if (f.k === 'id') byId.set(key, f);
    else if (f.k === 'phone') phoneOwner.set(key, f.owner!.replace(/\n/g, ''));
    else takenDev.add(key);
  }
  for (const r of rows) {
    const f = r.idIdx && byId.get(r.idIdx);
    if (!f) continue;
    if (f.memberPath) {
      const where = isWithin(f.memberPath, job.scopePath) ? `“${f.branchName}”` : '其他组织（不在您的管理范围内）';
      err(r, 'idNumber', `该身份证号码已在${where}登记为团员，如需调整请办理组织关系转接`);
    } else if (f.name !== r.label) {
      err(r, 'name', `该身份证号码已登记，姓名为“${f.name!.slice(0, 1)}*”，与填写的不一致`);
    } else if (r.data) {
      r.data.personId = f.personId;
    }
  }
  for (const r of rows) {
    const owner = r.phoneIdx && phoneOwner.get(r.phoneIdx);
    if (owner && owner !== r.idIdx) err(r, 'phone', '该手机号码已被系统中的其他人使用（一人一号）');
  }
  for (const r of rows) if (r.dev && takenDev.has(r.dev)) err(r, 'developmentNumber', '该发展团员编号已被系统中的其他团员使用');
}

/** The staged row (MemberStaged) as columns; jsonb_to_record applies each type's input function. */
const STAGED_COLUMNS = sql.raw(
  `"personId" int, name text, "idEnc" text, "idIdx" text, "idMasked" text, "birthDate" date, gender gender, "phoneEnc" text, "phoneIdx" text,
   "phoneMasked" text, email text, "branchId" int, "branchPath" text, record jsonb, facts jsonb`,
);
const RECORD_COLUMNS = sql.raw(
  `ethnicity text, "politicalStatus" political_status, "joinedLeagueAt" text, "admittedAt" date, "developmentNumber" text,
   "identityEvidence" identity_evidence, "isCadre" boolean, "leaguePosition" text, education text, "highestEducation" text,
   occupation text, "workUnit" text, "hukouAddress" text, "residenceAddress" text`,
);
const FACT_COLUMNS = sql.raw(`"identityStatus" identity_status, "identityIssues" jsonb, "profileComplete" boolean`);

/**
 * Writes the staged members numbered in (after, upTo] with ONE statement straight from import_rows —
 * the staged rows never come back to Node: data-modifying CTEs take the rows out of import_rows,
 * insert the new persons, then members, memberships, accounts, branch cadre posts (a new member of
 * the branch holds no post there yet, as syncBranchCadre would find) and one MEMBER_CREATE audit row
 * per member, with the same columns writeAudit would write. Identity status and completeness were
 * derived in the worker at validation time (derivedFacts, no clock); a person already registered was
 * found then too (`personId`). The statement's sub-inserts all commit or roll back with the caller's
 * one transaction.
 */
async function commitStagedMembers(tx: Tx, ctx: AppContext, job: ImportJob, range: { after: number; upTo: number }): Promise<number> {
  if (range.after === 0) {
    // A job validated by an older build (before an upgrade) has no derived facts staged; one process
    // stages a whole job, so its first valid row tells.
    const [first] = await rowsOf<{ ok: boolean }>(tx, sql`SELECT data ? 'facts' AS ok FROM import_rows WHERE job_id = ${job.id} AND has_error = false LIMIT 1`);
    if (first && !first.ok) throw new DomainError('IMPORT_NOT_READY', '该文件在系统升级前校验，请重新上传校验后再导入');
    // The job's branches under key share for the whole commit, as `placementTargets` reads them (why:
    // there), so the paths written below are current. Validated earlier, a branch may since have been
    // moved out of the importer's scope or removed: then nothing is written.
    const branches = await rowsOf<{ path: string; deleted: boolean }>(
      tx,
      sql`SELECT path, deleted_at IS NOT NULL AS deleted FROM orgs
           WHERE id IN (SELECT DISTINCT (data->>'branchId')::int FROM import_rows WHERE job_id = ${job.id} AND has_error = false)
           ORDER BY id FOR KEY SHARE`,
    );
    if (branches.some((b) => b.deleted || !isWithin(b.path, job.scopePath))) {
      throw new DomainError('IMPORT_NOT_READY', '校验后有团支部被移出您的管理范围或已撤销，请重新上传校验后再导入');
    }
  }
  const now = ctx.clock.now().toISOString();
  const today = chinaDate(ctx.clock.now());
  const [done] = await rowsOf<{ n: number }>(
    tx,
    sql`WITH staged AS MATERIALIZED (
          DELETE FROM import_rows WHERE job_id = ${job.id} AND has_error = false AND row_no > ${range.after} AND row_no <= ${range.upTo}
          RETURNING row_no, data),
        s AS MATERIALIZED (
          SELECT staged.row_no, d.*, decode(d."idIdx", 'base64') AS id_idx FROM staged, jsonb_to_record(staged.data) AS d(${STAGED_COLUMNS})),
        new_persons AS (
          INSERT INTO persons (name, id_number_enc, id_number_idx, id_number_masked, gender, birth_date, phone_enc, phone_idx, phone_masked, email, created_at, updated_at)
          SELECT name, decode("idEnc", 'base64'), id_idx, "idMasked", gender, "birthDate", decode("phoneEnc", 'base64'), decode("phoneIdx", 'base64'), "phoneMasked", email,
                 ${now}::timestamptz, ${now}::timestamptz
          FROM s WHERE "personId" IS NULL ORDER BY row_no
          RETURNING id, id_number_idx),
        ready AS MATERIALIZED (
          -- The branch's path now (locked above), not as it was at validation.
          SELECT s.*, coalesce(s."personId", np.id) AS person_id, b.path AS branch_path
            FROM s LEFT JOIN new_persons np ON np.id_number_idx = s.id_idx JOIN orgs b ON b.id = s."branchId"),
        new_members AS (
          INSERT INTO members (person_id, branch_id, org_path, ethnicity, political_status, joined_league_at, admitted_at, development_number, identity_evidence,
                               identity_status, identity_issues, is_cadre, league_position, education, highest_education, occupation, work_unit, hukou_address,
                               residence_address, profile_complete, created_at, updated_at)
          SELECT person_id, "branchId", branch_path, r.ethnicity, r."politicalStatus", r."joinedLeagueAt", r."admittedAt", r."developmentNumber", r."identityEvidence",
                 f."identityStatus", f."identityIssues", r."isCadre", r."leaguePosition", r.education, r."highestEducation", r.occupation, r."workUnit", r."hukouAddress",
                 r."residenceAddress", f."profileComplete", ${now}::timestamptz, ${now}::timestamptz
          FROM ready, jsonb_to_record(ready.record) AS r(${RECORD_COLUMNS}), jsonb_to_record(ready.facts) AS f(${FACT_COLUMNS})
          ORDER BY row_no
          RETURNING id, person_id, branch_id),
        new_memberships AS (
          INSERT INTO memberships (member_id, branch_id, started_at, start_reason)
          SELECT id, branch_id, ${now}::timestamptz, 'ENTRY' FROM new_members),
        new_accounts AS (
          INSERT INTO accounts (person_id, issued_at, must_change_password)
          SELECT person_id, ${now}::timestamptz, true FROM new_members ON CONFLICT DO NOTHING),
        new_posts AS (
          INSERT INTO cadre_positions (person_id, org_id, position, started_at)
          SELECT person_id, "branchId", record->>'leaguePosition', ${today}::date FROM ready WHERE (record->>'isCadre')::boolean),
        audit AS (
          INSERT INTO audit_log (${AUDIT_COLUMNS})
          SELECT ${auditActorColumns(ctx.clock.now(), { personId: job.actorPersonId, name: job.actorName, actingOrgId: job.actingOrgId })}, 'MEMBER_CREATE', 'member', m.id::text,
                 ready.name || '（' || ready."idMasked" || '）', ready.branch_path,
                 jsonb_build_object('branchId', jsonb_build_object('before', null, 'after', ready."branchId"), 'importJob', jsonb_build_object('before', null, 'after', ${job.id}::int)),
                 'OK', 'Excel 导入（第' || ready.row_no || '行）'
          FROM new_members m JOIN ready ON ready.person_id = m.person_id
          ORDER BY ready.row_no
          RETURNING 1)
        SELECT count(*)::int AS n FROM audit`,
  );
  return done?.n ?? 0;
}
