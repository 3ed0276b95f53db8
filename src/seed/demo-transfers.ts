// Demo data for transfers (issue 3/7): a graduating class of 2026 (毕业生团组织), the school's
// 出国（境）学习研究团员团支部, and a few open transfers in the demo province. Runs inside the demo
// seed's one transaction, so it is as idempotent as the seed itself (never twice).
import { and, eq, isNull, sql } from 'drizzle-orm';
import type { Tx } from '../db/client';
import { accounts, members, memberships, orgs, persons, transferNodes, transfers } from '../db/schema';
import { makeIdNumber, validateIdNumber } from '../domain/id-number';
import { maskIdNumber, maskPhone } from '../domain/masking';
import { LEAGUE_PREFIX } from '../domain/orgs';
import { childPath } from '../domain/scope';
import { DAY_MS, dueAt } from '../domain/transfers';
import type { AppContext } from '../server/context';
import { derivedFacts } from '../server/modules/members/members.service';
import { fictionalIdNumber, fictionalName, fictionalPhone } from './fictional';

/** The graduate who can log in (README): free of open transfers, so a demo can start one. */
export const DEMO_GRADUATE = { key: 'graduate', name: '冯毕业', idNumber: makeIdNumber('339901', '20040607', '093'), role: '2026届毕业生（2022级计算机科学与技术班，毕业生团组织）' } as const;

type OrgRow = typeof orgs.$inferSelect;

export async function seedDemoTransfers(tx: Tx, ctx: Pick<AppContext, 'cipher'>, now: Date, passwordHash: string): Promise<void> {
  const byName = async (name: string, parentId?: number) => {
    const [o] = await tx
      .select()
      .from(orgs)
      .where(and(eq(orgs.name, name), isNull(orgs.deletedAt), parentId === undefined ? undefined : eq(orgs.parentId, parentId)));
    return o!;
  };
  const university = await byName('浙江演示大学团委');
  const college = await byName('计算机科学与技术学院团委', university.id);
  const xixi = await byName('西溪街道团工委');
  const lingyin = await byName('灵隐街道团工委');
  const lingyinTransition = await byName('学社衔接临时团支部', lingyin.id);

  const addOrg = async (parent: OrgRow, o: Partial<typeof orgs.$inferInsert> & { name: string; fullName: string }) => {
    const res = (await tx.execute(sql`SELECT nextval(pg_get_serial_sequence('orgs', 'id'))::int AS id`)) as unknown as { rows: { id: number }[] };
    const newId = res.rows[0]!.id;
    const [row] = await tx
      .insert(orgs)
      .values({
        kind: 'BRANCH',
        industryCategory: 'HIGHER_EDUCATION',
        regionCode: parent.regionCode,
        isTownship: false,
        ...o,
        id: newId,
        parentId: parent.id,
        path: childPath(parent.path, newId),
        depth: parent.depth + 1,
        createdAt: now,
        updatedAt: now,
      })
      .returning();
    return row!;
  };
  const graduating = await addOrg(college, {
    name: '2022级计算机科学与技术班团支部',
    fullName: `${LEAGUE_PREFIX}浙江演示大学计算机科学与技术学院2022级计算机科学与技术班支部委员会`,
    category: 'GRADUATE',
    graduationAt: '2026-06',
  });
  await addOrg(university, { name: '出国（境）学习研究团员团支部', fullName: `${LEAGUE_PREFIX}浙江演示大学出国（境）学习研究团员支部委员会`, specialKind: 'ABROAD_STUDY' });

  const addGraduate = async (name: string, idNumber: string, phone: string, hash: string | null) => {
    const v = validateIdNumber(idNumber);
    if (!v.ok) throw new Error(v.message);
    const [p] = await tx
      .insert(persons)
      .values({
        name,
        idNumberEnc: ctx.cipher.encrypt(idNumber),
        idNumberIdx: ctx.cipher.blindIndex('id', idNumber),
        idNumberMasked: maskIdNumber(idNumber),
        gender: v.gender,
        birthDate: v.birthDate,
        phoneEnc: ctx.cipher.encrypt(phone),
        phoneIdx: ctx.cipher.blindIndex('phone', phone),
        phoneMasked: maskPhone(phone),
        createdAt: now,
        updatedAt: now,
      })
      .returning();
    const joinYear = Number(v.birthDate.slice(0, 4)) + 14;
    const record = {
      ethnicity: '汉族',
      politicalStatus: 'LEAGUE_MEMBER' as const,
      joinedLeagueAt: `${joinYear}-05`,
      developmentNumber: `${joinYear}${String(p!.id).padStart(8, '0')}`,
      identityEvidence: 'APPLICATION_FORM' as const,
      isCadre: false,
      leaguePosition: null,
      education: '大学本科',
      highestEducation: '大学本科',
      occupation: '学生',
      workUnit: '浙江演示大学',
      hukouAddress: '浙江省杭州市西湖区',
      residenceAddress: '浙江省杭州市西湖区西溪街道',
    };
    const [m] = await tx
      .insert(members)
      .values({
        personId: p!.id,
        branchId: graduating.id,
        orgPath: graduating.path,
        ...record,
        ...derivedFacts({ ...record, birthDate: v.birthDate, hasPhone: true }),
        graduateStatus: 'GRADUATE',
        graduationAt: '2026-06',
        createdAt: now,
        updatedAt: now,
      })
      .returning();
    await tx.insert(memberships).values({ memberId: m!.id, branchId: graduating.id, startedAt: now, startReason: 'ENTRY' });
    await tx.insert(accounts).values({ personId: p!.id, passwordHash: hash, mustChangePassword: hash === null, issuedAt: now, passwordChangedAt: hash ? now : null });
    return { id: m!.id, name, orgPath: graduating.path };
  };

  await addGraduate(DEMO_GRADUATE.name, DEMO_GRADUATE.idNumber, '19900000009', passwordHash);
  const grads: { id: number; name: string; orgPath: string }[] = [];
  for (let i = 0; i < 6; i++) {
    const n = 80_000 + i;
    grads.push(await addGraduate(fictionalName(n + 7), fictionalIdNumber(n, `2004-0${(i % 9) + 1}-1${i}`), fictionalPhone(n), null));
  }

  // A few open transfers: 未就业 to 西溪街道 (receiving approval, then allocation), one 11 days old
  // (reminded), and 已落实工作单位（无团组织） to 灵隐街道's 学社衔接临时团支部.
  const open = async (g: (typeof grads)[number], o: { reason: 'UNEMPLOYED' | 'EMPLOYED_NO_ORG'; target: OrgRow; daysAgo: number; fields: Record<string, string>; remark: string }) => {
    const created = new Date(now.getTime() - o.daysAgo * DAY_MS);
    const [t] = await tx
      .insert(transfers)
      .values({
        memberId: g.id,
        memberName: g.name,
        fromBranchId: graduating.id,
        fromPath: g.orgPath,
        toOrgId: o.target.id,
        toPath: o.target.path,
        reason: o.reason,
        schoolToSociety: true,
        targetScope: 'NATIONAL',
        fields: o.fields,
        remark: o.remark,
        starterSide: 'SENDING',
        startedByPersonId: (await tx.select({ id: persons.id }).from(persons).where(eq(persons.name, '吴院管')))[0]!.id,
        startedByName: '吴院管',
        startedByOrgId: college.id,
        createdAt: created,
      })
      .returning();
    await tx.insert(transferNodes).values({ transferId: t!.id, seq: 1, kind: 'RECEIVING', orgId: o.target.id, state: 'PENDING', timeoutAction: 'AUTO_APPROVE', openedAt: created, dueAt: dueAt(created) });
    if (o.target.kind !== 'BRANCH') {
      await tx.insert(transferNodes).values({ transferId: t!.id, seq: 2, kind: 'ALLOCATION', orgId: o.target.id, state: 'WAITING', timeoutAction: 'NONE' });
    }
  };
  await open(grads[0]!, { reason: 'UNEMPLOYED', target: xixi, daysAgo: 2, fields: { address: '浙江省杭州市西湖区西溪街道文二西路1号' }, remark: '户籍地：西溪街道文二西路1号' });
  await open(grads[1]!, { reason: 'UNEMPLOYED', target: xixi, daysAgo: 11, fields: { address: '浙江省杭州市西湖区西溪街道古墩路8号' }, remark: '现居住地：古墩路8号' });
  await open(grads[2]!, { reason: 'EMPLOYED_NO_ORG', target: lingyinTransition, daysAgo: 4, fields: { unitName: '杭州演示咖啡馆', address: '浙江省杭州市西湖区灵隐街道北山路3号' }, remark: '工作单位在北山路3号' });
}
