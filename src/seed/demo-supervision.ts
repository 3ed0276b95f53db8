import { sql } from 'drizzle-orm';
import { rows, type Tx } from '../db/client';
import { withRollups } from '../db/rollups';
import { devNumberRanges, devNumberVoids, eduCounts, leagueCensus, upwardReports, upwardReportSteps } from '../db/schema';

interface DemoOrg {
  id: number;
  path: string;
  parentId: number | null;
  name: string;
  fullName: string;
}

/**
 * Demo data for the supervision dashboards (ST-1, ST-7, REP-1/2/3), run inside the demo seed's
 * transaction after members are in (the rollups are already filled by their triggers). Fictional
 * figures: 团统数 per city, one development-number range chain, 教统 counts with a gap over 5%, and
 * two reports on their way up.
 */
export async function seedSupervisionDemo(
  tx: Tx,
  d: { province: DemoOrg; university: DemoOrg; college: DemoOrg; classBranch: DemoOrg; county: DemoOrg; township: DemoOrg; provinceAdmin: number; collegeAdmin: number; countyAdmin: number; branchAdmin: number; now: Date; year: number },
): Promise<void> {
  const { now, year } = d;
  // ST-1: the province's own 团统数 and each city's; 杭州 close to the target, the others behind.
  const cities = await rows<{ id: number; members: number; n: number }>(
    tx,
    sql`SELECT o.id, coalesce(r.members_active, 0) AS members, row_number() OVER (ORDER BY o.region_code)::int AS n
          FROM ${withRollups(sql`SELECT c.id FROM orgs c WHERE c.parent_id = ${d.province.id} AND c.deleted_at IS NULL`)} WHERE o.parent_id = ${d.province.id} AND o.deleted_at IS NULL`,
  );
  const census = cities.map((c) => ({ orgId: c.id, count: c.members > 0 ? Math.round(c.members / 0.93) : 1200 + 317 * c.n }));
  const total = census.reduce((s, c) => s + c.count, 0);
  await tx.insert(leagueCensus).values(
    [...census, { orgId: d.province.id, count: total }].map((c) => ({ ...c, year, enteredByOrgId: d.province.id, enteredBy: d.provinceAdmin, enteredAt: now })),
  );

  // DEV-1/2: province → university → college, one number explained as unused.
  const num = (i: number) => `${year}${String(i).padStart(8, '0')}`;
  await tx.insert(devNumberRanges).values([
    { issuerOrgId: d.province.id, recipientOrgId: d.university.id, recipientPath: d.university.path, startNumber: num(1), endNumber: num(500), size: 500, issuedBy: d.provinceAdmin, issuedAt: now },
    { issuerOrgId: d.university.id, recipientOrgId: d.college.id, recipientPath: d.college.path, startNumber: num(1), endNumber: num(100), size: 100, issuedBy: d.provinceAdmin, issuedAt: now },
  ]);
  await tx.insert(devNumberVoids).values({ number: num(7), orgId: d.college.id, orgPath: d.college.path, reason: 'NOT_DEVELOPED', note: '发展对象未通过支部大会表决', registeredBy: d.collegeAdmin, registeredAt: now });

  // REP-3: the province's 教统 counts, student members more than 5% above what is entered.
  const [league] = await rows<{ schools: number; school_members: number }>(tx, sql`SELECT schools, school_members FROM org_rollups WHERE org_id = ${d.province.id}`);
  const [grad] = await rows<{ n: number }>(
    tx,
    sql`SELECT count(*)::int AS n FROM orgs WHERE path >= ${d.province.path} AND path < ${`${d.province.path.slice(0, -1)}0`} AND kind = 'BRANCH' AND graduation_at LIKE ${`${year}-%`}`,
  );
  const studentMembers = Math.round((league?.school_members ?? 0) * 1.08);
  await tx.insert(eduCounts).values({
    orgId: d.province.id,
    year,
    schools: league?.schools ?? 0,
    gradClasses: grad?.n ?? 0,
    students: studentMembers + 350,
    studentMembers,
    graduatingStudents: Math.round(studentMembers / 4),
    leagueSnapshot: { schools: league?.schools ?? 0, gradClasses: grad?.n ?? 0, studentMembers: league?.school_members ?? 0 },
    explanation: '部分新生团员的团员身份尚在核实，核实后将于本月内全部录入系统。',
    enteredBy: d.provinceAdmin,
    enteredAt: now,
  });

  // REP-1 and REP-2: one report waiting at the college, one at the city.
  const [member] = await rows<{ id: number; person_id: number; name: string; masked: string }>(
    tx,
    sql`SELECT m.id, m.person_id, p.name, p.id_number_masked AS masked FROM members m JOIN persons p ON p.id = m.person_id
         WHERE m.branch_id = ${d.classBranch.id} AND m.is_cadre = false ORDER BY m.id LIMIT 1`,
  );
  if (member) {
    const [r] = await tx
      .insert(upwardReports)
      .values({
        type: 'MEMBER_DELETION',
        status: 'PENDING',
        originOrgId: d.classBranch.id,
        originPath: d.classBranch.path,
        currentOrgId: d.college.id,
        subjectLabel: `${member.name}（${member.masked}）· ${d.classBranch.name} · 身份证信息录入错误`,
        payload: { memberId: member.id, personId: member.person_id, name: member.name, idNumberMasked: member.masked, branchId: d.classBranch.id, branchName: d.classBranch.name, reason: 'ID_NUMBER', subjectKey: `member:${member.id}` },
        createdBy: d.branchAdmin,
        createdAt: now,
        updatedAt: now,
      })
      .returning({ id: upwardReports.id });
    await tx.insert(upwardReportSteps).values({ reportId: r!.id, orgId: d.classBranch.id, action: 'FILE', actorPersonId: d.branchAdmin, actorName: '郑支书', note: '出生日期录错一位', at: now });
  }
  const [r2] = await tx
    .insert(upwardReports)
    .values({
      type: 'TOWNSHIP_FLAG',
      status: 'PENDING',
      originOrgId: d.county.id,
      originPath: d.county.path,
      currentOrgId: d.county.parentId!,
      subjectLabel: `${d.township.fullName}：系统识别为“是”，应为“否”`,
      payload: { orgId: d.township.id, fullName: d.township.fullName, current: true, claimed: false, subjectKey: `org:${d.township.id}` },
      createdBy: d.countyAdmin,
      createdAt: now,
      updatedAt: now,
    })
    .returning({ id: upwardReports.id });
  await tx.insert(upwardReportSteps).values({ reportId: r2!.id, orgId: d.county.id, action: 'FILE', actorPersonId: d.countyAdmin, actorName: '孙县管', note: '演示：核对后认为识别结果有误', at: now });
}
