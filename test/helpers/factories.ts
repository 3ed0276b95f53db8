import { sql } from 'drizzle-orm';
import { accounts, adminGrants, adminMfa, cadrePositions, members, memberships, orgs, persons } from '../../src/db/schema';
import type { CadreNature, IndustryCategory, LeadershipLevel, OrgKind, SpecialKind } from '../../src/domain/enums';
import { makeIdNumber, validateIdNumber } from '../../src/domain/id-number';
import { maskIdNumber, maskPhone } from '../../src/domain/masking';
import { computeIsTownship } from '../../src/domain/orgs';
import { childPath, rootPath } from '../../src/domain/scope';
import { hashPassword } from '../../src/lib/passwords';
import { generateTotpSecret } from '../../src/lib/totp';
import { derivedFacts } from '../../src/server/modules/members/members.service';
import { login, rememberAuthenticator, type Client } from './client';
import type { TestApp } from './app';

export const TEST_PASSWORD = 'Correct-Horse-42';
let passwordHash: Promise<string> | undefined;
const testHash = () => (passwordHash ??= hashPassword(TEST_PASSWORD));

export type OrgRow = typeof orgs.$inferSelect;

/** A valid ID number no real person has (county 339902 does not exist), unique per `n`. */
export function testIdNumber(n: number, birth = '20040615'): string {
  return makeIdNumber(`3399${String(20 + Math.floor(n / 1000)).padStart(2, '0')}`, birth, String(n % 1000).padStart(3, '0'));
}

export function testPhone(n: number): string {
  return `1380000${String(n).padStart(4, '0')}`;
}

/**
 * Builds data straight into the database for a test (fast, no HTTP); the code under test is then
 * exercised through the API. Each test file has its own database, so counters start anywhere.
 */
export class Factory {
  private n = 0;
  constructor(readonly t: TestApp) {}

  next(): number {
    return ++this.n;
  }

  async org(
    parent: OrgRow | null,
    o: { name?: string; fullName?: string; kind: OrgKind; leadershipLevel?: LeadershipLevel; specialKind?: SpecialKind; industryCategory?: IndustryCategory; regionCode?: string; schoolCode?: string; category?: 'NORMAL' | 'GRADUATE'; graduationAt?: string },
  ): Promise<OrgRow> {
    const db = this.t.ctx.db;
    const res = (await db.execute(sql`SELECT nextval(pg_get_serial_sequence('orgs', 'id'))::int AS id`)) as unknown as { rows: { id: number }[] };
    const id = res.rows[0]!.id;
    const name = o.name ?? `测试组织${id}`;
    const suffix = o.kind === 'BRANCH' ? '支部委员会' : o.kind === 'GENERAL_BRANCH' ? '总支部委员会' : '委员会';
    const regionCode = o.regionCode ?? null;
    const [row] = await db
      .insert(orgs)
      .values({
        id,
        parentId: parent?.id ?? null,
        path: parent ? childPath(parent.path, id) : rootPath(id),
        depth: parent ? parent.depth + 1 : 0,
        name,
        fullName: o.fullName ?? `中国共产主义青年团${name}${id}${suffix}`,
        kind: o.kind,
        leadershipLevel: o.leadershipLevel ?? (o.kind === 'LEADERSHIP' ? 'NATIONAL' : null),
        specialKind: o.specialKind ?? null,
        industryCategory: o.industryCategory ?? parent?.industryCategory ?? 'GOVERNMENT',
        regionCode,
        isTownship: parent ? computeIsTownship(parent, { kind: o.kind, regionCode }) : false,
        schoolCode: o.schoolCode ?? null,
        category: o.category ?? 'NORMAL',
        graduationAt: o.graduationAt ?? null,
        createdAt: this.t.clock.now(),
        updatedAt: this.t.clock.now(),
      })
      .returning();
    return row!;
  }

  async person(p: { name?: string; idNumber?: string; phone?: string | null } = {}) {
    const k = this.next();
    const idNumber = p.idNumber ?? testIdNumber(k);
    const v = validateIdNumber(idNumber);
    if (!v.ok) throw new Error(v.message);
    const phone = p.phone === undefined ? testPhone(k) : p.phone;
    const { cipher } = this.t.ctx;
    const [row] = await this.t.ctx.db
      .insert(persons)
      .values({
        name: p.name ?? `测试${k}`,
        idNumberEnc: cipher.encrypt(v.value),
        idNumberIdx: cipher.blindIndex('id', v.value),
        idNumberMasked: maskIdNumber(v.value),
        gender: v.gender,
        birthDate: v.birthDate,
        phoneEnc: phone ? cipher.encrypt(phone) : null,
        phoneIdx: phone ? cipher.blindIndex('phone', phone) : null,
        phoneMasked: phone ? maskPhone(phone) : null,
      })
      .returning();
    return { ...row!, idNumber: v.value, phone };
  }

  /** An active member in `branch`, with an account on its initial password unless `password` is given. */
  async member(
    branch: OrgRow,
    m: { name?: string; idNumber?: string; phone?: string | null; joinedLeagueAt?: string; isCadre?: boolean; leaguePosition?: string; password?: string; developmentNumber?: string | null } = {},
  ) {
    const person = await this.person(m);
    const now = this.t.clock.now();
    const joinedLeagueAt = m.joinedLeagueAt ?? '2019-05';
    const record = {
      ethnicity: '汉族',
      politicalStatus: 'LEAGUE_MEMBER' as const,
      joinedLeagueAt,
      developmentNumber: m.developmentNumber === undefined ? `${joinedLeagueAt.slice(0, 4)}${String(person.id).padStart(8, '0')}` : m.developmentNumber,
      identityEvidence: 'APPLICATION_FORM' as const,
      isCadre: m.isCadre ?? false,
      leaguePosition: m.leaguePosition ?? null,
      education: null,
      highestEducation: null,
      occupation: null,
      workUnit: null,
      hukouAddress: null,
      residenceAddress: null,
    };
    const [member] = await this.t.ctx.db
      .insert(members)
      .values({
        personId: person.id,
        branchId: branch.id,
        orgPath: branch.path,
        ...record,
        ...derivedFacts({ ...record, birthDate: person.birthDate, hasPhone: !!person.phone }),
        createdAt: now,
        updatedAt: now,
      })
      .returning();
    await this.t.ctx.db.insert(memberships).values({ memberId: member!.id, branchId: branch.id, startedAt: now, startReason: 'ENTRY' });
    if (record.isCadre && record.leaguePosition) {
      await this.t.ctx.db.insert(cadrePositions).values({ personId: person.id, orgId: branch.id, position: record.leaguePosition, startedAt: '2025-09-01' });
    }
    await this.t.ctx.db.insert(accounts).values({
      personId: person.id,
      passwordHash: m.password ? await hashPassword(m.password) : null,
      mustChangePassword: !m.password,
      issuedAt: now,
      passwordChangedAt: m.password ? now : null,
    });
    return { ...member!, person, idNumber: person.idNumber };
  }

  /** A cadre of `org` who administers it, with a changed password; returns a logged-in client acting for `org`. */
  async admin(org: OrgRow, o: { name?: string; position?: string; nature?: CadreNature } = {}) {
    const person = await this.person({ name: o.name });
    const now = this.t.clock.now();
    const nature = o.nature ?? (org.kind === 'LEADERSHIP' ? 'FULL_TIME' : null);
    const [cadre] = await this.t.ctx.db
      .insert(cadrePositions)
      .values({ personId: person.id, orgId: org.id, position: o.position ?? (org.kind === 'BRANCH' ? '书记' : '书记'), nature, startedAt: '2025-09-01' })
      .returning();
    const [grant] = await this.t.ctx.db.insert(adminGrants).values({ personId: person.id, orgId: org.id, grantedAt: now }).returning();
    await this.t.ctx.db.insert(accounts).values({ personId: person.id, passwordHash: await testHash(), mustChangePassword: false, issuedAt: now, passwordChangedAt: now });
    // Issue 7: an enrolled authenticator, so login passes the second factor as a real admin does.
    const totpSecret = generateTotpSecret();
    await this.t.ctx.db.insert(adminMfa).values({ personId: person.id, secretEnc: this.t.ctx.cipher.encrypt(totpSecret), enrolledAt: now });
    rememberAuthenticator(this.t.app, person.idNumber, totpSecret);
    const client = (await login(this.t.app, person.idNumber, TEST_PASSWORD, `10.1.${Math.floor(person.id / 250)}.${person.id % 250}`)).as(org.id);
    return { person, cadre: cadre!, grant: grant!, client, idNumber: person.idNumber, totpSecret };
  }

  /**
   * The tree most tests share:
   * 团中央 → 浙江省团委 → 杭州市团委 → 西湖区团委 → 西溪街道团工委 (township) → 学社衔接临时团支部;
   * 浙江省团委 → 演示大学团委 (school) → 计算机学院团委 → 2023级1班, 2023级2班; → 经济学院团委 → 2023级经济1班.
   */
  async tree() {
    const root = await this.org(null, { name: '团中央', kind: 'LEADERSHIP', leadershipLevel: 'NATIONAL' });
    const province = await this.org(root, { name: '浙江省团委', kind: 'LEADERSHIP', leadershipLevel: 'PROVINCIAL', regionCode: '33' });
    const city = await this.org(province, { name: '杭州市团委', kind: 'LEADERSHIP', leadershipLevel: 'CITY', regionCode: '3301' });
    const county = await this.org(city, { name: '西湖区团委', kind: 'LEADERSHIP', leadershipLevel: 'COUNTY', regionCode: '330106' });
    const township = await this.org(county, { name: '西溪街道团工委', kind: 'WORK_COMMITTEE', regionCode: '330106004' });
    const transition = await this.org(township, { name: '学社衔接临时团支部', kind: 'BRANCH', specialKind: 'TRANSITION' });
    const university = await this.org(province, { name: '演示大学团委', kind: 'COMMITTEE', industryCategory: 'HIGHER_EDUCATION', schoolCode: '4133000001' });
    const collegeA = await this.org(university, { name: '计算机学院团委', kind: 'COMMITTEE' });
    const branchA1 = await this.org(collegeA, { name: '2023级计算机1班团支部', kind: 'BRANCH' });
    const branchA2 = await this.org(collegeA, { name: '2023级计算机2班团支部', kind: 'BRANCH' });
    const collegeB = await this.org(university, { name: '经济学院团委', kind: 'COMMITTEE' });
    const branchB1 = await this.org(collegeB, { name: '2023级经济1班团支部', kind: 'BRANCH' });
    return { root, province, city, county, township, transition, university, collegeA, branchA1, branchA2, collegeB, branchB1 };
  }
}

export type Tree = Awaited<ReturnType<Factory['tree']>>;

/** A valid body for createMember, with overrides. */
export function memberInput(branchId: number, n: number, over: Record<string, unknown> = {}) {
  return {
    name: `新团员${n}`,
    idNumber: testIdNumber(500 + n, '20050301'),
    branchId,
    ethnicity: '汉族',
    politicalStatus: 'LEAGUE_MEMBER',
    joinedLeagueAt: '2020-05',
    isCadre: false,
    phone: testPhone(500 + n),
    developmentNumber: `2020${String(n).padStart(8, '0')}`,
    identityEvidence: 'APPLICATION_FORM',
    ...over,
  };
}

export type { Client };
