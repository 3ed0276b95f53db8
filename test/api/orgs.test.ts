import { and, asc, eq, isNull, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, members, orgs } from '../../src/db/schema';
import { makeIdNumber } from '../../src/domain/id-number';
import { subtreeRange } from '../../src/domain/scope';
import { gramStats, pickGrams, queryGrams } from '../../src/server/modules/orgs/orgs.repo';
import { createTestApp, type TestApp } from '../helpers/app';
import { Factory, type Client, type OrgRow, type Tree } from '../helpers/factories';

let t: TestApp;
let f: Factory;
let tree: Tree;
let province: Client;
let university: Client;
let county: Client;

beforeAll(async () => {
  t = await createTestApp();
  f = new Factory(t);
  tree = await f.tree();
  province = (await f.admin(tree.province)).client;
  university = (await f.admin(tree.university)).client;
  county = (await f.admin(tree.county)).client;
});
afterAll(() => t.close());

const P = '中国共产主义青年团';

async function orgRow(id: number) {
  const [row] = await t.ctx.db.select().from(orgs).where(eq(orgs.id, id));
  return row!;
}

async function auditOf(action: string, objectId: number) {
  return t.ctx.db
    .select()
    .from(auditLog)
    .where(and(eq(auditLog.action, action), eq(auditLog.objectId, String(objectId))))
    .orderBy(asc(auditLog.id));
}

function body(parent: OrgRow, o: Record<string, unknown>) {
  return { parentId: parent.id, industryCategory: parent.industryCategory, ...o };
}

describe('GET /api/orgs/:id', () => {
  it('SEC-1 shows ancestors from the acting org down, never above it', async () => {
    const res = await university.get(`/api/orgs/${tree.branchA1.id}`);
    expect(res.status).toBe(200);
    expect(res.body.ancestors).toEqual([
      { id: tree.university.id, name: '演示大学团委' },
      { id: tree.collegeA.id, name: '计算机学院团委' },
      { id: tree.branchA1.id, name: '2023级计算机1班团支部' },
    ]);
    const fromProvince = await province.get(`/api/orgs/${tree.branchA1.id}`);
    expect(fromProvince.body.ancestors.map((a: { id: number }) => a.id)).toEqual([
      tree.province.id,
      tree.university.id,
      tree.collegeA.id,
      tree.branchA1.id,
    ]);
    const own = await university.get(`/api/orgs/${tree.university.id}`);
    expect(own.body.ancestors).toEqual([{ id: tree.university.id, name: '演示大学团委' }]);
  });

  it('ORG-1 can flags: createChildKinds by kind, and the acting org itself cannot be moved or deleted', async () => {
    const own = await university.get(`/api/orgs/${tree.university.id}`);
    expect(own.body.can).toEqual({ createChildKinds: ['COMMITTEE', 'GENERAL_BRANCH', 'BRANCH'], edit: true, move: false, delete: false, markGraduation: true, markGraduates: true });
    const college = await university.get(`/api/orgs/${tree.collegeA.id}`);
    expect(college.body.can).toEqual({ createChildKinds: ['COMMITTEE', 'GENERAL_BRANCH', 'BRANCH'], edit: true, move: true, delete: true, markGraduation: true, markGraduates: true });
    const branch = await university.get(`/api/orgs/${tree.branchA1.id}`);
    // GRAD-1: a branch has no branches below to mark; its members can be marked (GRAD-6).
    expect(branch.body.can).toEqual({ createChildKinds: [], edit: true, move: true, delete: true, markGraduation: false, markGraduates: true });
    const provinceSelf = await province.get(`/api/orgs/${tree.province.id}`);
    expect(provinceSelf.body.can).toEqual({
      createChildKinds: ['LEADERSHIP', 'COMMITTEE', 'WORK_COMMITTEE', 'GENERAL_BRANCH', 'BRANCH'],
      edit: true,
      move: false,
      delete: false,
      markGraduation: false,
      markGraduates: false,
    });
    const countyOrg = await province.get(`/api/orgs/${tree.county.id}`);
    expect(countyOrg.body.can.createChildKinds).toEqual(['COMMITTEE', 'WORK_COMMITTEE', 'GENERAL_BRANCH', 'BRANCH']);
    const township = await province.get(`/api/orgs/${tree.township.id}`);
    expect(township.body.can.createChildKinds).toEqual(['COMMITTEE', 'GENERAL_BRANCH', 'BRANCH']);
    const gb = await f.org(tree.collegeA, { name: '总支权限测试', kind: 'GENERAL_BRANCH' });
    const gbRes = await university.get(`/api/orgs/${gb.id}`);
    expect(gbRes.body.can.createChildKinds).toEqual(['BRANCH']);
  });

  it('ORG-8 shows the region name, counts and the township flag', async () => {
    const branch = await f.org(tree.collegeB, { name: '计数测试团支部', kind: 'BRANCH' });
    await f.member(branch);
    await f.member(branch);
    const res = await province.get(`/api/orgs/${tree.county.id}`);
    expect(res.body).toMatchObject({
      id: tree.county.id,
      parentId: tree.city.id,
      name: '西湖区团委',
      kind: 'LEADERSHIP',
      leadershipLevel: 'COUNTY',
      regionCode: '330106',
      regionName: '浙江省 杭州市 西湖区',
      isTownship: false,
      childCount: 1,
      memberCount: 0,
      depth: 3,
    });
    const township = await province.get(`/api/orgs/${tree.township.id}`);
    expect(township.body).toMatchObject({ isTownship: true, regionName: '浙江省 杭州市 西湖区 西溪街道' });
    const b = await university.get(`/api/orgs/${branch.id}`);
    expect(b.body).toMatchObject({ memberCount: 2, subtreeMemberCount: 2, childCount: 0 });
    const college = await university.get(`/api/orgs/${tree.collegeB.id}`);
    expect(college.body).toMatchObject({ memberCount: 0, subtreeMemberCount: 2 });
  });

  it('SEC-1 an org outside the scope answers exactly like a missing one, and the refusal is audited', async () => {
    const outside = await university.get(`/api/orgs/${tree.county.id}`);
    const missing = await university.get('/api/orgs/999999');
    expect(outside.status).toBe(404);
    expect(outside.body).toEqual(missing.body);
    expect(outside.body.error.code).toBe('NOT_FOUND');
    const denied = await auditOf('ACCESS_DENIED', tree.county.id);
    expect(denied.at(-1)).toMatchObject({ result: 'DENIED', reason: 'OUT_OF_SCOPE', actingOrgId: tree.university.id });
    const above = await university.get(`/api/orgs/${tree.province.id}`);
    expect(above.status).toBe(404);
  });
});

describe('GET /api/orgs/:id/children', () => {
  it('ORG-1 lists children by kind, then name, special branches last, with paging totals; deleted ones are gone', async () => {
    const parent = await f.org(tree.city, { name: '排序县团委', kind: 'LEADERSHIP', leadershipLevel: 'COUNTY', regionCode: '330108' });
    const admin = (await f.admin(parent)).client;
    await f.org(parent, { name: 'B2支部', kind: 'BRANCH' });
    await f.org(parent, { name: 'T临时支部', kind: 'BRANCH', specialKind: 'TRANSITION' });
    await f.org(parent, { name: 'B1支部', kind: 'BRANCH' });
    await f.org(parent, { name: 'G总支', kind: 'GENERAL_BRANCH' });
    await f.org(parent, { name: 'W工委', kind: 'WORK_COMMITTEE' });
    await f.org(parent, { name: 'C2团委', kind: 'COMMITTEE' });
    const c1 = await f.org(parent, { name: 'C1团委', kind: 'COMMITTEE' });
    const gone = await f.org(parent, { name: 'A已删除', kind: 'COMMITTEE' });
    await t.ctx.db.update(orgs).set({ deletedAt: t.clock.now() }).where(eq(orgs.id, gone.id));
    await f.org(c1, { name: '孙支部', kind: 'BRANCH' });

    const all = await admin.get(`/api/orgs/${parent.id}/children?pageSize=100`);
    expect(all.status).toBe(200);
    expect(all.body.items.map((o: { name: string }) => o.name)).toEqual(['C1团委', 'C2团委', 'W工委', 'G总支', 'B1支部', 'B2支部', 'T临时支部']);
    expect(all.body.total).toBe(7);
    expect(all.body.items[0]).toMatchObject({ id: c1.id, childCount: 1, memberCount: 0, kind: 'COMMITTEE' });
    expect(all.body.items[0].path).toBeUndefined();

    const page2 = await admin.get(`/api/orgs/${parent.id}/children?page=2&pageSize=3`);
    expect(page2.body).toMatchObject({ total: 7, page: 2, pageSize: 3 });
    expect(page2.body.items.map((o: { name: string }) => o.name)).toEqual(['G总支', 'B1支部', 'B2支部']);
    const page3 = await admin.get(`/api/orgs/${parent.id}/children?page=3&pageSize=3`);
    expect(page3.body.items.map((o: { name: string }) => o.name)).toEqual(['T临时支部']);

    const tooBig = await admin.get(`/api/orgs/${parent.id}/children?pageSize=101`);
    expect(tooBig.status).toBe(400);
    expect(tooBig.body.error.code).toBe('VALIDATION_FAILED');
    const outside = await university.get(`/api/orgs/${parent.id}/children`);
    expect(outside.status).toBe(404);
  });

  it('ORG-8 within one kind, children follow the official order of their region codes, then names', async () => {
    const city = await f.org(tree.province, { name: '排序市团委', kind: 'LEADERSHIP', leadershipLevel: 'CITY', regionCode: '3302' });
    const admin = (await f.admin(city)).client;
    // Names in character order would be 北仑 < 江北 < 海曙 < 镇海; region codes say 海曙 (330203) first.
    await f.org(city, { name: '镇海区团委', kind: 'LEADERSHIP', leadershipLevel: 'COUNTY', regionCode: '330211' });
    await f.org(city, { name: '北仑区团委', kind: 'LEADERSHIP', leadershipLevel: 'COUNTY', regionCode: '330206' });
    await f.org(city, { name: '海曙区团委', kind: 'LEADERSHIP', leadershipLevel: 'COUNTY', regionCode: '330203' });
    await f.org(city, { name: '江北区团委', kind: 'LEADERSHIP', leadershipLevel: 'COUNTY', regionCode: '330205' });
    await f.org(city, { name: '无区划团委', kind: 'LEADERSHIP', leadershipLevel: 'COUNTY' });
    const res = await admin.get(`/api/orgs/${city.id}/children`);
    expect(res.body.items.map((o: { name: string }) => o.name)).toEqual(['海曙区团委', '江北区团委', '北仑区团委', '镇海区团委', '无区划团委']);
  });
});

describe('GET /api/orgs (search)', () => {
  it('finds orgs by part of the 简称 inside the scope, with their path below the acting org', async () => {
    const res = await university.get(`/api/orgs?q=${encodeURIComponent('计算机')}`);
    expect(res.status).toBe(200);
    expect(res.body.items.map((o: { id: number }) => o.id)).toEqual([tree.collegeA.id, tree.branchA1.id, tree.branchA2.id]);
    expect(res.body.total).toBe(3);
    expect(res.body.items[0].pathNames).toEqual(['演示大学团委']);
    expect(res.body.items[1].pathNames).toEqual(['演示大学团委', '计算机学院团委']);
    const fromProvince = await province.get(`/api/orgs?q=${encodeURIComponent('计算机1班')}`);
    expect(fromProvince.body.items).toHaveLength(1);
    expect(fromProvince.body.items[0].pathNames).toEqual(['浙江省团委', '演示大学团委', '计算机学院团委']);
    const branchesOnly = await university.get(`/api/orgs?q=${encodeURIComponent('计算机')}&kind=BRANCH`);
    expect(branchesOnly.body.items.map((o: { id: number }) => o.id)).toEqual([tree.branchA1.id, tree.branchA2.id]);
    const paged = await university.get(`/api/orgs?q=${encodeURIComponent('计算机')}&page=2&pageSize=2`);
    expect(paged.body).toMatchObject({ total: 3, page: 2, pageSize: 2 });
    expect(paged.body.items.map((o: { id: number }) => o.id)).toEqual([tree.branchA2.id]);
  });

  it('finds orgs by part of the 全称', async () => {
    const created = await province.post(
      '/api/orgs',
      body(tree.province, { name: '演科团委', fullName: `${P}浙江演示科技有限公司委员会`, kind: 'COMMITTEE', industryCategory: 'PRIVATE_ENTERPRISE' }),
    );
    expect(created.status).toBe(201);
    const res = await province.get(`/api/orgs?q=${encodeURIComponent('演示科技')}`);
    expect(res.body.items.map((o: { id: number }) => o.id)).toEqual([created.body.id]);
    expect(res.body.items[0].pathNames).toEqual(['浙江省团委']);
  });

  it('finds by one character, by two, across the short and the full name, and ignores case', async () => {
    const one = await county.get(`/api/orgs?q=${encodeURIComponent('溪')}`);
    expect(one.body.items.map((o: { id: number }) => o.id)).toEqual([tree.township.id]);
    const viaFullName = await county.get(`/api/orgs?q=${encodeURIComponent('工委5委员')}`);
    expect(viaFullName.body.items.map((o: { id: number }) => o.id)).toEqual([tree.township.id]);
    const created = await province.post('/api/orgs', body(tree.province, { name: 'ABC演示团委', fullName: `${P}ABC演示公司委员会`, kind: 'COMMITTEE', industryCategory: 'PRIVATE_ENTERPRISE' }));
    expect(created.status).toBe(201);
    const lower = await province.get(`/api/orgs?q=${encodeURIComponent('bc演')}`);
    expect(lower.body.items.map((o: { id: number }) => o.id)).toEqual([created.body.id]);
  });

  it('SEC-1 never finds orgs outside the scope; wildcards are taken literally', async () => {
    const res = await county.get(`/api/orgs?q=${encodeURIComponent('计算机')}`);
    expect(res.body).toMatchObject({ items: [], total: 0 });
    const own = await county.get(`/api/orgs?q=${encodeURIComponent('西溪')}`);
    expect(own.body.items.map((o: { id: number }) => o.id)).toEqual([tree.township.id]);
    expect(own.body.items[0].pathNames).toEqual(['西湖区团委']);
    const percent = await university.get(`/api/orgs?q=${encodeURIComponent('%')}`);
    expect(percent.body.total).toBe(0);
    const empty = await university.get('/api/orgs?q=');
    expect(empty.status).toBe(400);
  });

  it('counts exactly up to EXACT_COUNT_LIMIT and above it estimates, flagged, with the same ranked pages', async () => {
    const small = await createTestApp({ env: { EXACT_COUNT_LIMIT: '2' } });
    try {
      const sf = new Factory(small);
      const st = await sf.tree();
      const admin = (await sf.admin(st.university)).client;
      const res = await admin.get(`/api/orgs?q=${encodeURIComponent('计算机')}`);
      expect(res.status).toBe(200);
      expect(res.body.items.map((o: { id: number }) => o.id)).toEqual([st.collegeA.id, st.branchA1.id, st.branchA2.id]);
      expect(res.body.totalIsEstimate).toBe(true);
      expect(res.body.total).toBeGreaterThan(2);
      const paged = await admin.get(`/api/orgs?q=${encodeURIComponent('计算机')}&page=2&pageSize=2`);
      expect(paged.body.items.map((o: { id: number }) => o.id)).toEqual([st.branchA2.id]);
      const narrowed = await admin.get(`/api/orgs?q=${encodeURIComponent('计算机1班')}`);
      expect(narrowed.body).toMatchObject({ total: 1, totalIsEstimate: false });
      expect(narrowed.body.items.map((o: { id: number }) => o.id)).toEqual([st.branchA1.id]);
      const beyond = await admin.get(`/api/orgs?q=${encodeURIComponent('计算机1班')}&page=3&pageSize=1`);
      expect(beyond.body).toMatchObject({ items: [], total: 1, totalIsEstimate: false });
    } finally {
      await small.close();
    }
  });
});

describe('GET /api/orgs (search): the fast paths give the same answers', () => {
  it('a term without cased letters is matched as it is, wildcards and all', async () => {
    const literal = await f.org(tree.province, { name: '百分%之百团委', kind: 'COMMITTEE' });
    const other = await f.org(tree.province, { name: '百分比之百团委', kind: 'COMMITTEE' });
    const underscore = await f.org(tree.province, { name: '下划_线团委', kind: 'COMMITTEE' });
    const percent = await province.get(`/api/orgs?q=${encodeURIComponent('分%之')}`);
    expect(percent.body.items.map((o: { id: number }) => o.id)).toEqual([literal.id]);
    expect(percent.body).toMatchObject({ total: 1, totalIsEstimate: false });
    const one = await province.get(`/api/orgs?q=${encodeURIComponent('百分')}`);
    expect(one.body.items.map((o: { id: number }) => o.id).sort()).toEqual([literal.id, other.id].sort());
    const under = await province.get(`/api/orgs?q=${encodeURIComponent('划_')}`);
    expect(under.body.items.map((o: { id: number }) => o.id)).toEqual([underscore.id]);
    // Through the full name too, which holds the same characters.
    const full = await province.get(`/api/orgs?q=${encodeURIComponent(`_线团委${underscore.id}`)}`);
    expect(full.body.items.map((o: { id: number }) => o.id)).toEqual([underscore.id]);
  });

  it('with gram statistics, asking the index for the rarest grams only finds exactly the same orgs', async () => {
    const analyzed = await createTestApp();
    try {
      const af = new Factory(analyzed);
      const at = await af.tree();
      for (let k = 1; k <= 30; k++) await af.org(at.collegeB, { name: `2024级经济${k}班团支部`, kind: 'BRANCH' });
      await analyzed.ctx.db.execute(sql`ANALYZE orgs`);
      const stats = await gramStats(analyzed.ctx.database.readDb);
      expect(stats).not.toBeNull();
      const grams = queryGrams('计算机1班');
      const picked = pickGrams(grams, stats);
      expect(picked.length).toBeGreaterThan(0);
      expect(picked.length).toBeLessThan(grams.length);
      const admin = (await af.admin(at.university)).client;
      const res = await admin.get(`/api/orgs?q=${encodeURIComponent('计算机1班')}`);
      expect(res.body.items.map((o: { id: number }) => o.id)).toEqual([at.branchA1.id]);
      expect(res.body).toMatchObject({ total: 1, totalIsEstimate: false });
      const many = await admin.get(`/api/orgs?q=${encodeURIComponent('经济1')}&pageSize=100`);
      const names = many.body.items.map((o: { name: string }) => o.name);
      expect(names).toEqual(['2023级经济1班团支部', '2024级经济1班团支部', ...[10, 11, 12, 13, 14, 15, 16, 17, 18, 19].map((k) => `2024级经济${k}班团支部`)]);
      expect(many.body).toMatchObject({ total: 12, totalIsEstimate: false });
    } finally {
      await analyzed.close();
    }
  });

  it('above EXACT_COUNT_LIMIT the page is walked in result order: every page in order, only inside the scope, kind filter kept', async () => {
    const small = await createTestApp({ env: { EXACT_COUNT_LIMIT: '2' } });
    try {
      const sf = new Factory(small);
      const st = await sf.tree();
      for (let k = 1; k <= 5; k++) await sf.org(st.township, { name: `${k}村团支部`, kind: 'BRANCH' });
      // The order the spec asks for, straight from the table (“团” is in every org's full name).
      const expected = async (scopePath: string, kind?: string) => {
        const { lo, hi } = subtreeRange(scopePath);
        const rows = (await small.ctx.db.execute(
          sql`SELECT id FROM orgs WHERE deleted_at IS NULL AND path >= ${lo} AND path < ${hi} AND ${kind ? sql`kind = ${kind}` : sql`true`}
              AND (name LIKE '%团%' OR full_name LIKE '%团%') ORDER BY depth, char_length(name), name, id`,
        )) as unknown as { rows: { id: number }[] };
        return rows.rows.map((r) => r.id);
      };
      const pagesOf = async (client: Client, extra = '') => {
        const ids: number[] = [];
        for (let page = 1; page < 20; page++) {
          const res = await client.get(`/api/orgs?q=${encodeURIComponent('团')}&page=${page}&pageSize=3${extra}`);
          expect(res.status).toBe(200);
          expect(res.body.totalIsEstimate).toBe(true);
          if (res.body.items.length === 0) break;
          ids.push(...res.body.items.map((o: { id: number }) => o.id));
        }
        return ids;
      };
      const provinceAdmin = (await sf.admin(st.province)).client;
      const all = await pagesOf(provinceAdmin);
      expect(all).toEqual(await expected(st.province.path));
      expect(all.length).toBeGreaterThan(10);
      const countyAdmin = (await sf.admin(st.county)).client;
      const inCounty = await pagesOf(countyAdmin);
      expect(inCounty).toEqual(await expected(st.county.path));
      expect(inCounty).not.toContain(st.university.id);
      const branches = await pagesOf(countyAdmin, '&kind=BRANCH');
      expect(branches).toEqual(await expected(st.county.path, 'BRANCH'));
      expect(branches).toHaveLength(6);
    } finally {
      await small.close();
    }
  });
});

describe('POST /api/orgs', () => {
  it('ORG-1 creates a child org, audited, with its path below the parent', async () => {
    const res = await university.post(
      '/api/orgs',
      body(tree.university, { name: '医学院团委', fullName: `${P}演示大学医学院委员会`, kind: 'COMMITTEE', contactPhone: '0571-88888888', email: 'yxy@example.cn' }),
    );
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      parentId: tree.university.id,
      name: '医学院团委',
      fullName: `${P}演示大学医学院委员会`,
      kind: 'COMMITTEE',
      industryCategory: 'HIGHER_EDUCATION',
      isTownship: false,
      contactPhone: '0571-88888888',
      email: 'yxy@example.cn',
      childCount: 0,
    });
    const row = await orgRow(res.body.id);
    expect(row.path).toBe(`${tree.university.path}${res.body.id}/`);
    expect(row.depth).toBe(tree.university.depth + 1);
    const [audit] = await auditOf('ORG_CREATE', res.body.id);
    expect(audit).toMatchObject({ result: 'OK', actingOrgId: tree.university.id, orgPath: row.path, objectLabel: '医学院团委' });
    expect(audit!.changes).toMatchObject({ name: { before: null, after: '医学院团委' }, kind: { before: null, after: 'COMMITTEE' } });
  });

  it('ORG_2_BRANCH_IS_LEAF: a branch cannot have children', async () => {
    const res = await university.post('/api/orgs', body(tree.branchA1, { name: '小组', fullName: `${P}演示大学小组支部委员会`, kind: 'BRANCH' }));
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('ORG_2_BRANCH_IS_LEAF');
  });

  it('ORG-1 refuses kinds not allowed under the parent (团工委 only under leadership organs)', async () => {
    const wc = await university.post('/api/orgs', body(tree.collegeA, { name: '学院团工委', fullName: `${P}演示大学学院工作委员会`, kind: 'WORK_COMMITTEE' }));
    expect(wc.status).toBe(422);
    expect(wc.body.error.code).toBe('ORG_1_KIND_NOT_ALLOWED');
    const gb = await f.org(tree.collegeA, { name: '总支放置测试', kind: 'GENERAL_BRANCH' });
    const underGb = await university.post('/api/orgs', body(gb, { name: '总支下团委', fullName: `${P}演示大学总支下委员会`, kind: 'COMMITTEE' }));
    expect(underGb.status).toBe(422);
    expect(underGb.body.error.code).toBe('ORG_1_KIND_NOT_ALLOWED');
    const leadershipUnderCommittee = await university.post(
      '/api/orgs',
      body(tree.collegeA, { name: '学院领导机关', fullName: `${P}演示大学学院领导委员会`, kind: 'LEADERSHIP', leadershipLevel: 'COUNTY' }),
    );
    expect(leadershipUnderCommittee.body.error.code).toBe('ORG_1_KIND_NOT_ALLOWED');
    const levelOnCommittee = await university.post(
      '/api/orgs',
      body(tree.collegeA, { name: '带层级团委', fullName: `${P}演示大学带层级委员会`, kind: 'COMMITTEE', leadershipLevel: 'COUNTY' }),
    );
    expect(levelOnCommittee.status).toBe(422);
    expect(levelOnCommittee.body.error.code).toBe('ORG_1_KIND_NOT_ALLOWED');
    const wcUnderCounty = await county.post(
      '/api/orgs',
      body(tree.county, { name: '西湖区机关团工委', fullName: `${P}杭州市西湖区机关工作委员会`, kind: 'WORK_COMMITTEE', industryCategory: 'GOVERNMENT' }),
    );
    expect(wcUnderCounty.status).toBe(201);
  });

  it('ORG-1 a leadership organ needs a level strictly below its parent', async () => {
    const noLevel = await province.post('/api/orgs', body(tree.province, { name: '宁波市团委', fullName: `${P}宁波市委员会`, kind: 'LEADERSHIP', regionCode: '3302' }));
    expect(noLevel.status).toBe(422);
    expect(noLevel.body.error.code).toBe('ORG_1_LEVEL_REQUIRED');
    const same = await province.post(
      '/api/orgs',
      body(tree.province, { name: '宁波市团委', fullName: `${P}宁波市委员会`, kind: 'LEADERSHIP', leadershipLevel: 'PROVINCIAL', regionCode: '3302' }),
    );
    expect(same.status).toBe(422);
    expect(same.body.error.code).toBe('ORG_1_KIND_NOT_ALLOWED');
    const underCounty = await county.post(
      '/api/orgs',
      body(tree.county, { name: '县下县团委', fullName: `${P}县下县委员会`, kind: 'LEADERSHIP', leadershipLevel: 'COUNTY' }),
    );
    expect(underCounty.body.error.code).toBe('ORG_1_KIND_NOT_ALLOWED');
    const ok = await province.post(
      '/api/orgs',
      body(tree.province, { name: '宁波市团委', fullName: `${P}宁波市委员会`, kind: 'LEADERSHIP', leadershipLevel: 'CITY', regionCode: '3302' }),
    );
    expect(ok.status).toBe(201);
    expect(ok.body).toMatchObject({ leadershipLevel: 'CITY', regionName: '浙江省 宁波市', isTownship: false });
  });

  it('ORG-1 special kinds are branches only, and only in their place', async () => {
    const committee = await university.post(
      '/api/orgs',
      body(tree.university, { name: '流动团委', fullName: `${P}演示大学流动委员会`, kind: 'COMMITTEE', specialKind: 'MOBILE_GRADUATES' }),
    );
    expect(committee.status).toBe(422);
    expect(committee.body.error.code).toBe('ORG_1_SPECIAL_KIND_BRANCH_ONLY');
    const transitionInSchool = await university.post(
      '/api/orgs',
      body(tree.collegeA, { name: '学院临时团支部', fullName: `${P}演示大学学院临时支部委员会`, kind: 'BRANCH', specialKind: 'TRANSITION' }),
    );
    expect(transitionInSchool.status).toBe(422);
    expect(transitionInSchool.body.error.code).toBe('ORG_1_KIND_NOT_ALLOWED');
    expect(transitionInSchool.body.error.message).toContain('学社衔接临时团支部');
    const mobileInCounty = await county.post(
      '/api/orgs',
      body(tree.county, { name: '流动团支部', fullName: `${P}西湖区流动支部委员会`, kind: 'BRANCH', specialKind: 'MOBILE_GRADUATES' }),
    );
    expect(mobileInCounty.body.error.code).toBe('ORG_1_KIND_NOT_ALLOWED');
    const transitionInCounty = await county.post(
      '/api/orgs',
      body(tree.county, { name: '西湖区学社衔接临时团支部', fullName: `${P}杭州市西湖区学社衔接临时支部委员会`, kind: 'BRANCH', specialKind: 'TRANSITION' }),
    );
    expect(transitionInCounty.status).toBe(201);
    expect(transitionInCounty.body.specialKind).toBe('TRANSITION');
    const mobileInSchool = await university.post(
      '/api/orgs',
      body(tree.university, { name: '毕业学生流动团员团支部', fullName: `${P}演示大学毕业学生流动团员支部委员会`, kind: 'BRANCH', specialKind: 'MOBILE_GRADUATES' }),
    );
    expect(mobileInSchool.status).toBe(201);
  });

  it('ORG_4_SCHOOL_CODE_SCHOOL_ONLY: a school code only for school industries', async () => {
    const res = await province.post(
      '/api/orgs',
      body(tree.province, { name: '某公司团委', fullName: `${P}浙江某公司委员会`, kind: 'COMMITTEE', industryCategory: 'STATE_ENTERPRISE', schoolCode: '4133000099' }),
    );
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('ORG_4_SCHOOL_CODE_SCHOOL_ONLY');
    const school = await province.post(
      '/api/orgs',
      body(tree.province, { name: '某职业学院团委', fullName: `${P}浙江某职业学院委员会`, kind: 'COMMITTEE', industryCategory: 'VOCATIONAL_SCHOOL', schoolCode: '4133000099' }),
    );
    expect(school.status).toBe(201);
    expect(school.body.schoolCode).toBe('4133000099');
  });

  it('ORG_9_FULL_NAME_FORMAT: 全称 is 中国共产主义青年团 + unit + the suffix of its kind', async () => {
    const cases: [string, string, string][] = [
      ['COMMITTEE', '演示大学法学院委员会', '应以“中国共产主义青年团”开头'],
      ['BRANCH', `${P}演示大学法学1班委员会`, '应以“支部委员会”结尾'],
      ['COMMITTEE', `${P}演示大学法学院支部委员会`, '应以“委员会”结尾'],
      ['GENERAL_BRANCH', `${P}演示大学法学院委员会`, '应以“总支部委员会”结尾'],
      ['BRANCH', `${P}支部委员会`, '中间应写明地区和单位名称'],
    ];
    for (const [kind, fullName, message] of cases) {
      const res = await university.post('/api/orgs', body(tree.collegeA, { name: `格式${kind}`, fullName, kind }));
      expect(res.status, fullName).toBe(422);
      expect(res.body.error.code).toBe('ORG_9_FULL_NAME_FORMAT');
      expect(res.body.error.message).toContain(message);
    }
  });

  it('ORG_9_NAME_TAKEN: 简称 and 全称 are unique among siblings, but free under another parent', async () => {
    const first = await university.post('/api/orgs', body(tree.collegeA, { name: '2024级计算机1班团支部', fullName: `${P}演示大学计算机学院2024级1班支部委员会`, kind: 'BRANCH' }));
    expect(first.status).toBe(201);
    const sameName = await university.post('/api/orgs', body(tree.collegeA, { name: '2024级计算机1班团支部', fullName: `${P}演示大学计算机学院2024级一班支部委员会`, kind: 'BRANCH' }));
    expect(sameName.status).toBe(409);
    expect(sameName.body.error.code).toBe('ORG_9_NAME_TAKEN');
    const sameFull = await university.post('/api/orgs', body(tree.collegeA, { name: '2024级计算机一班团支部', fullName: `${P}演示大学计算机学院2024级1班支部委员会`, kind: 'BRANCH' }));
    expect(sameFull.status).toBe(409);
    expect(sameFull.body.error.code).toBe('ORG_9_NAME_TAKEN');
    const rows = await t.ctx.db.select().from(orgs).where(and(eq(orgs.parentId, tree.collegeA.id), eq(orgs.name, '2024级计算机一班团支部')));
    expect(rows).toHaveLength(0);
    const elsewhere = await university.post('/api/orgs', body(tree.collegeB, { name: '2024级计算机1班团支部', fullName: `${P}演示大学计算机学院2024级1班支部委员会`, kind: 'BRANCH' }));
    expect(elsewhere.status).toBe(201);
  });

  it('ORG_8_REGION_UNKNOWN: the region code must exist; a malformed one is a validation error', async () => {
    const unknown = await county.post('/api/orgs', body(tree.county, { name: '虚构街道团工委', fullName: `${P}虚构街道工作委员会`, kind: 'WORK_COMMITTEE', regionCode: '330106999' }));
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.code).toBe('ORG_8_REGION_UNKNOWN');
    expect(unknown.body.error.message).toContain('330106999');
    const malformed = await county.post('/api/orgs', body(tree.county, { name: '虚构街道团工委', fullName: `${P}虚构街道工作委员会`, kind: 'WORK_COMMITTEE', regionCode: '3301061' }));
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.code).toBe('VALIDATION_FAILED');
  });

  it('SEC-1 a parent outside the scope is not found; unknown fields are refused', async () => {
    const res = await university.post('/api/orgs', body(tree.county, { name: '越权团委', fullName: `${P}越权委员会`, kind: 'COMMITTEE' }));
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('NOT_FOUND');
    const extra = await university.post('/api/orgs', body(tree.collegeA, { name: '多字段团支部', fullName: `${P}多字段支部委员会`, kind: 'BRANCH', isTownship: true }));
    expect(extra.status).toBe(400);
    expect(extra.body.error.code).toBe('FIELD_NOT_ALLOWED');
  });
});

describe('ORG-3 township orgs', () => {
  it('ORG-3 a 团委 with a township region directly under a county org is a township org and gets its 学社衔接临时团支部 in the same transaction', async () => {
    const res = await county.post(
      '/api/orgs',
      body(tree.county, { name: '翠苑街道团委', fullName: `${P}杭州市西湖区翠苑街道委员会`, kind: 'COMMITTEE', industryCategory: 'URBAN_COMMUNITY', regionCode: '330106005' }),
    );
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ isTownship: true, childCount: 1, regionName: '浙江省 杭州市 西湖区 翠苑街道' });
    const children = await t.ctx.db.select().from(orgs).where(eq(orgs.parentId, res.body.id));
    expect(children).toHaveLength(1);
    expect(children[0]).toMatchObject({
      kind: 'BRANCH',
      specialKind: 'TRANSITION',
      name: '学社衔接临时团支部',
      fullName: `${P}杭州市西湖区翠苑街道学社衔接临时支部委员会`,
      industryCategory: 'URBAN_COMMUNITY',
      regionCode: '330106005',
      isTownship: false,
      path: `${tree.county.path}${res.body.id}/${children[0]!.id}/`,
    });
    expect(await auditOf('ORG_CREATE', children[0]!.id)).toHaveLength(1);
  });

  it('ORG-3 renaming a township renames its 学社衔接临时团支部 with it, unless that branch was given a 全称 of its own', async () => {
    const made = await county.post(
      '/api/orgs',
      body(tree.county, { name: '文新街道团委', fullName: `${P}杭州市西湖区文新街道委员会`, kind: 'COMMITTEE', industryCategory: 'URBAN_COMMUNITY', regionCode: '330106009' }),
    );
    expect(made.status).toBe(201);
    const transition = async () => (await t.ctx.db.select().from(orgs).where(eq(orgs.parentId, made.body.id)))[0]!;
    const branch = await transition();

    const renamed = await county.patch(`/api/orgs/${made.body.id}`, { fullName: `${P}杭州市西湖区文新新街道委员会` });
    expect(renamed.status).toBe(200);
    expect((await transition()).fullName).toBe(`${P}杭州市西湖区文新新街道学社衔接临时支部委员会`);
    const audits = await auditOf('ORG_UPDATE', branch.id);
    expect(audits).toHaveLength(1);
    expect(audits[0]!.changes).toEqual({
      fullName: { before: `${P}杭州市西湖区文新街道学社衔接临时支部委员会`, after: `${P}杭州市西湖区文新新街道学社衔接临时支部委员会` },
    });

    const own = `${P}文新新街道青年学社衔接临时支部委员会`;
    expect((await county.patch(`/api/orgs/${branch.id}`, { fullName: own })).status).toBe(200);
    expect((await county.patch(`/api/orgs/${made.body.id}`, { fullName: `${P}杭州市西湖区文新街道委员会` })).status).toBe(200);
    expect((await transition()).fullName).toBe(own);
  });

  it('ORG-3 a 团工委 with a township region under a county org is a township org too', async () => {
    const res = await county.post(
      '/api/orgs',
      body(tree.county, { name: '古荡街道团工委', fullName: `${P}杭州市西湖区古荡街道工作委员会`, kind: 'WORK_COMMITTEE', industryCategory: 'URBAN_COMMUNITY', regionCode: '330106007' }),
    );
    expect(res.status).toBe(201);
    expect(res.body.isTownship).toBe(true);
    const children = await t.ctx.db.select().from(orgs).where(eq(orgs.parentId, res.body.id));
    expect(children.map((c) => c.specialKind)).toEqual(['TRANSITION']);
  });

  it('ORG-3 without a region the flag is empty (null), with a county region it is 否, and elsewhere 否; no special branch then', async () => {
    const noRegion = await county.post('/api/orgs', body(tree.county, { name: '未知街道团委', fullName: `${P}西湖区未知街道委员会`, kind: 'COMMITTEE', industryCategory: 'RURAL' }));
    expect(noRegion.status).toBe(201);
    expect(noRegion.body.isTownship).toBeNull();
    expect(noRegion.body.childCount).toBe(0);
    const countyRegion = await county.post(
      '/api/orgs',
      body(tree.county, { name: '区机关团委', fullName: `${P}杭州市西湖区机关委员会`, kind: 'COMMITTEE', industryCategory: 'GOVERNMENT', regionCode: '330106' }),
    );
    expect(countyRegion.body.isTownship).toBe(false);
    const underCity = await province.post(
      '/api/orgs',
      body(tree.city, { name: '市属街道团委', fullName: `${P}杭州市市属北山街道委员会`, kind: 'COMMITTEE', industryCategory: 'URBAN_COMMUNITY', regionCode: '330106002' }),
    );
    expect(underCity.status).toBe(201);
    expect(underCity.body.isTownship).toBe(false);
    expect(underCity.body.childCount).toBe(0);
    const branch = await county.post('/api/orgs', body(tree.county, { name: '街道直属团支部', fullName: `${P}西湖区北山街道直属支部委员会`, kind: 'BRANCH', regionCode: '330106002' }));
    expect(branch.body.isTownship).toBe(false);
  });
});

describe('PATCH /api/orgs/:id', () => {
  it('changes fields and audits only what changed', async () => {
    const org = await f.org(tree.collegeA, { name: '修改测试团支部', kind: 'BRANCH', fullName: `${P}修改测试支部委员会` });
    const res = await university.patch(`/api/orgs/${org.id}`, { name: '修改后团支部', contactPhone: '0571-12345678', fullName: `${P}修改测试支部委员会` });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ name: '修改后团支部', contactPhone: '0571-12345678' });
    expect((await orgRow(org.id)).name).toBe('修改后团支部');
    const [audit] = await auditOf('ORG_UPDATE', org.id);
    expect(audit!.changes).toEqual({ name: { before: '修改测试团支部', after: '修改后团支部' }, contactPhone: { before: null, after: '0571-12345678' } });
    const again = await university.patch(`/api/orgs/${org.id}`, { name: '修改后团支部' });
    expect(again.status).toBe(200);
    expect(await auditOf('ORG_UPDATE', org.id)).toHaveLength(1);
  });

  it('ORG-3 changing the region recomputes the township flag (and a new township org gets its 学社衔接临时团支部)', async () => {
    const created = await county.post('/api/orgs', body(tree.county, { name: '留下街道团委', fullName: `${P}杭州市西湖区留下街道委员会`, kind: 'COMMITTEE', industryCategory: 'URBAN_COMMUNITY' }));
    const id = created.body.id as number;
    expect(created.body.isTownship).toBeNull();
    const toTownship = await county.patch(`/api/orgs/${id}`, { regionCode: '330106008' });
    expect(toTownship.status).toBe(200);
    expect(toTownship.body.isTownship).toBe(true);
    const children = await t.ctx.db.select().from(orgs).where(and(eq(orgs.parentId, id), isNull(orgs.deletedAt)));
    expect(children.map((c) => c.specialKind)).toEqual(['TRANSITION']);
    const [audit] = await auditOf('ORG_UPDATE', id);
    expect(audit!.changes).toEqual({ regionCode: { before: null, after: '330106008' }, isTownship: { before: null, after: true } });

    const toCounty = await county.patch(`/api/orgs/${id}`, { regionCode: '330106' });
    expect(toCounty.body.isTownship).toBe(false);
    const cleared = await county.patch(`/api/orgs/${id}`, { regionCode: null });
    expect(cleared.body.isTownship).toBeNull();
    const back = await county.patch(`/api/orgs/${id}`, { regionCode: '330106010' });
    expect(back.body.isTownship).toBe(true);
    const after = await t.ctx.db.select().from(orgs).where(and(eq(orgs.parentId, id), isNull(orgs.deletedAt)));
    expect(after).toHaveLength(1);
  });

  it('refuses a bad 全称, an unknown region, a school code outside schools, a sibling name clash and unknown fields', async () => {
    const org = await f.org(tree.collegeB, { name: '改名测试团支部', kind: 'BRANCH' });
    const badFull = await university.patch(`/api/orgs/${org.id}`, { fullName: `${P}改名测试委员会` });
    expect(badFull.status).toBe(422);
    expect(badFull.body.error.code).toBe('ORG_9_FULL_NAME_FORMAT');
    const region = await university.patch(`/api/orgs/${org.id}`, { regionCode: '339902' });
    expect(region.status).toBe(400);
    expect(region.body.error.code).toBe('ORG_8_REGION_UNKNOWN');
    const company = await f.org(tree.province, { name: '改行业团委', kind: 'COMMITTEE', industryCategory: 'STATE_ENTERPRISE' });
    const code = await province.patch(`/api/orgs/${company.id}`, { schoolCode: '4133000123' });
    expect(code.status).toBe(422);
    expect(code.body.error.code).toBe('ORG_4_SCHOOL_CODE_SCHOOL_ONLY');
    const industry = await university.patch(`/api/orgs/${tree.university.id}`, { industryCategory: 'STATE_ENTERPRISE' });
    expect(industry.status).toBe(422);
    expect(industry.body.error.code).toBe('ORG_4_SCHOOL_CODE_SCHOOL_ONLY');
    const clash = await university.patch(`/api/orgs/${org.id}`, { name: '2023级经济1班团支部' });
    expect(clash.status).toBe(409);
    expect(clash.body.error.code).toBe('ORG_9_NAME_TAKEN');
    expect((await orgRow(org.id)).name).toBe('改名测试团支部');
    const kind = await university.patch(`/api/orgs/${org.id}`, { kind: 'COMMITTEE' });
    expect(kind.status).toBe(400);
    expect(kind.body.error.code).toBe('FIELD_NOT_ALLOWED');
    const outside = await university.patch(`/api/orgs/${tree.township.id}`, { contactPhone: '0571-1234567' });
    expect(outside.status).toBe(404);
    expect(await auditOf('ORG_UPDATE', org.id)).toHaveLength(0);
  });
});

describe('POST /api/orgs/:id/move', () => {
  it('SEC-3 a move shows in the logs of both the old and the new parent', async () => {
    const oldParent = await f.org(tree.university, { name: '旧家学院团委', kind: 'COMMITTEE' });
    const newParent = await f.org(tree.university, { name: '新家学院团委', kind: 'COMMITTEE' });
    const branch = await f.org(oldParent, { name: '迁出团支部', kind: 'BRANCH' });
    const oldAdmin = (await f.admin(oldParent)).client;
    const newAdmin = (await f.admin(newParent)).client;
    expect((await university.post(`/api/orgs/${branch.id}/move`, { newParentId: newParent.id })).status).toBe(200);
    for (const admin of [oldAdmin, newAdmin]) {
      const log = await admin.get('/api/audit?action=ORG_MOVE');
      expect(log.body.items.map((e: { objectId: string }) => e.objectId)).toEqual([String(branch.id)]);
    }
  });

  it('moves a subtree: org and member paths are rewritten, members now belong to the new parent', async () => {
    const college = await f.org(tree.university, { name: '搬迁学院团委', kind: 'COMMITTEE' });
    const branch = await f.org(college, { name: '搬迁1班团支部', kind: 'BRANCH' });
    const m1 = await f.member(branch, { name: '搬迁甲' });
    const m2 = await f.member(branch, { name: '搬迁乙' });
    const target = await f.org(tree.province, { name: '新大学团委', kind: 'COMMITTEE', industryCategory: 'HIGHER_EDUCATION' });
    const targetAdmin = (await f.admin(target)).client;
    const before = await targetAdmin.get('/api/members?name=搬迁');
    expect(before.body.total).toBe(0);

    const res = await province.post(`/api/orgs/${college.id}/move`, { newParentId: target.id });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ parentId: target.id, depth: target.depth + 1 });
    expect(res.body.ancestors.map((a: { id: number }) => a.id)).toEqual([tree.province.id, target.id, college.id]);
    const movedCollege = await orgRow(college.id);
    const movedBranch = await orgRow(branch.id);
    expect(movedCollege.path).toBe(`${target.path}${college.id}/`);
    expect(movedBranch.path).toBe(`${target.path}${college.id}/${branch.id}/`);
    expect(movedBranch.depth).toBe(target.depth + 2);
    expect(movedBranch.parentId).toBe(college.id);
    const memberRows = await t.ctx.db.select().from(members).where(eq(members.branchId, branch.id));
    expect(memberRows.map((m) => m.orgPath)).toEqual([movedBranch.path, movedBranch.path]);

    const after = await targetAdmin.get('/api/members?name=搬迁&sort=name');
    expect(after.body.items.map((m: { id: number }) => m.id).sort()).toEqual([m1.id, m2.id].sort());
    const old = await university.get('/api/members?name=搬迁');
    expect(old.body.total).toBe(0);
    expect((await university.get(`/api/orgs/${branch.id}`)).status).toBe(404);
    expect((await university.get(`/api/members/${m1.id}`)).status).toBe(404);
    expect((await targetAdmin.get(`/api/members/${m1.id}`)).status).toBe(200);

    const [audit] = await auditOf('ORG_MOVE', college.id);
    expect(audit).toMatchObject({ result: 'OK', reason: '移动了2个组织、2名团员' });
    expect(audit!.changes).toEqual({ parentId: { before: tree.university.id, after: target.id } });
  });

  it('ORG_MOVE_INTO_OWN_SUBTREE / ORG_MOVE_SAME_PARENT: never below itself, never onto the same parent', async () => {
    const own = await province.post(`/api/orgs/${tree.university.id}/move`, { newParentId: tree.collegeA.id });
    expect(own.status).toBe(422);
    expect(own.body.error.code).toBe('ORG_MOVE_INTO_OWN_SUBTREE');
    const self = await province.post(`/api/orgs/${tree.collegeA.id}/move`, { newParentId: tree.collegeA.id });
    expect(self.body.error.code).toBe('ORG_MOVE_INTO_OWN_SUBTREE');
    const same = await province.post(`/api/orgs/${tree.collegeA.id}/move`, { newParentId: tree.university.id });
    expect(same.status).toBe(422);
    expect(same.body.error.code).toBe('ORG_MOVE_SAME_PARENT');
    expect((await orgRow(tree.university.id)).path).toBe(tree.university.path);
  });

  it('ORG_ROOT_IMMUTABLE: an admin cannot move the org they act for', async () => {
    const res = await university.post(`/api/orgs/${tree.university.id}/move`, { newParentId: tree.collegeA.id });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('ORG_ROOT_IMMUTABLE');
  });

  it('ORG-1/ORG-2 the new parent must accept the kind; a target outside the scope is not found', async () => {
    const branch = await f.org(tree.collegeA, { name: '放置测试团支部', kind: 'BRANCH' });
    const underBranch = await university.post(`/api/orgs/${branch.id}/move`, { newParentId: tree.branchA1.id });
    expect(underBranch.status).toBe(422);
    expect(underBranch.body.error.code).toBe('ORG_2_BRANCH_IS_LEAF');
    const wc = await province.post(`/api/orgs/${tree.township.id}/move`, { newParentId: tree.collegeA.id });
    expect(wc.status).toBe(422);
    expect(wc.body.error.code).toBe('ORG_1_KIND_NOT_ALLOWED');
    const outside = await university.post(`/api/orgs/${branch.id}/move`, { newParentId: tree.township.id });
    expect(outside.status).toBe(404);
    expect((await orgRow(branch.id)).parentId).toBe(tree.collegeA.id);
  });

  it('ORG_9_NAME_TAKEN: a name clash under the new parent is a 409 and nothing moves', async () => {
    const college = await f.org(tree.university, { name: '冲突学院团委', kind: 'COMMITTEE' });
    const branch = await f.org(college, { name: '2023级经济1班团支部', kind: 'BRANCH' });
    const m = await f.member(branch);
    const res = await university.post(`/api/orgs/${branch.id}/move`, { newParentId: tree.collegeB.id });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('ORG_9_NAME_TAKEN');
    const row = await orgRow(branch.id);
    expect(row).toMatchObject({ parentId: college.id, path: branch.path, depth: branch.depth });
    const [member] = await t.ctx.db.select().from(members).where(eq(members.id, m.id));
    expect(member!.orgPath).toBe(branch.path);
    expect(await auditOf('ORG_MOVE', branch.id)).toHaveLength(0);
  });

  it('ORG-3 moving recomputes the township flag', async () => {
    const org = await f.org(tree.city, { name: '转塘街道团委', kind: 'COMMITTEE', regionCode: '330106010', industryCategory: 'URBAN_COMMUNITY' });
    expect(org.isTownship).toBe(false);
    const res = await province.post(`/api/orgs/${org.id}/move`, { newParentId: tree.county.id });
    expect(res.status).toBe(200);
    expect(res.body.isTownship).toBe(true);
    const children = await t.ctx.db.select().from(orgs).where(and(eq(orgs.parentId, org.id), isNull(orgs.deletedAt)));
    expect(children.map((c) => c.specialKind)).toEqual(['TRANSITION']);
    const away = await province.post(`/api/orgs/${org.id}/move`, { newParentId: tree.city.id });
    expect(away.body.isTownship).toBe(false);
  });
});

describe('DELETE /api/orgs/:id', () => {
  it('ORG_7_HAS_CHILDREN / ORG_7_HAS_MEMBERS / ORG_7_HAS_CADRES: only empty orgs are deleted', async () => {
    const college = await f.org(tree.university, { name: '删除测试学院团委', kind: 'COMMITTEE' });
    const branch = await f.org(college, { name: '删除测试团支部', kind: 'BRANCH' });
    const children = await university.delete(`/api/orgs/${college.id}`);
    expect(children.status).toBe(422);
    expect(children.body.error.code).toBe('ORG_7_HAS_CHILDREN');
    await f.member(branch);
    const withMembers = await university.delete(`/api/orgs/${branch.id}`);
    expect(withMembers.status).toBe(422);
    expect(withMembers.body.error.code).toBe('ORG_7_HAS_MEMBERS');
    const committee = await f.org(tree.university, { name: '有干部的团委', kind: 'COMMITTEE' });
    const cadre = await university.post('/api/cadres', { orgId: committee.id, name: '干部甲', idNumber: makeIdNumber('110101', '19900101', '123'), phone: '13900001111', position: '书记' });
    expect(cadre.status).toBe(201);
    const withCadres = await university.delete(`/api/orgs/${committee.id}`);
    expect(withCadres.status).toBe(422);
    expect(withCadres.body.error.code).toBe('ORG_7_HAS_CADRES');
    for (const id of [college.id, branch.id, committee.id]) expect((await orgRow(id)).deletedAt).toBeNull();
  });

  it('ORG-7 deletes an empty org: the row stays with deletedAt, it leaves children and search, and its name can be reused', async () => {
    const org = await f.org(tree.collegeA, { name: '空团支部待删', kind: 'BRANCH', fullName: `${P}空团支部待删支部委员会` });
    const res = await university.delete(`/api/orgs/${org.id}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ok: true });
    const row = await orgRow(org.id);
    expect(row.deletedAt?.toISOString()).toBe(t.clock.now().toISOString());
    const children = await university.get(`/api/orgs/${tree.collegeA.id}/children?pageSize=100`);
    expect(children.body.items.map((o: { id: number }) => o.id)).not.toContain(org.id);
    const search = await university.get(`/api/orgs?q=${encodeURIComponent('空团支部待删')}`);
    expect(search.body.total).toBe(0);
    expect((await university.get(`/api/orgs/${org.id}`)).status).toBe(404);
    expect((await university.delete(`/api/orgs/${org.id}`)).status).toBe(404);
    const [audit] = await auditOf('ORG_DELETE', org.id);
    expect(audit).toMatchObject({ result: 'OK', objectLabel: '空团支部待删' });
    const again = await university.post('/api/orgs', body(tree.collegeA, { name: '空团支部待删', fullName: `${P}空团支部待删支部委员会`, kind: 'BRANCH' }));
    expect(again.status).toBe(201);
  });

  it('ORG_ROOT_IMMUTABLE: an admin cannot delete the org they act for', async () => {
    const lone = await f.org(tree.collegeB, { name: '孤立团支部', kind: 'BRANCH' });
    const admin = await f.admin(lone);
    const res = await admin.client.delete(`/api/orgs/${lone.id}`);
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('ORG_ROOT_IMMUTABLE');
  });
});

describe('GET /api/org-findings', () => {
  let city: OrgRow;
  let admin: Client;
  const names = async (type: string) => {
    const res = await admin.get(`/api/org-findings?type=${type}&pageSize=100`);
    expect(res.status).toBe(200);
    expect(res.body.total).toBe(res.body.items.length);
    return res.body.items as { id: number; name: string; memberCount: number; schoolCode: string | null }[];
  };

  beforeAll(async () => {
    city = await f.org(tree.province, { name: '核查市团委', kind: 'LEADERSHIP', leadershipLevel: 'CITY', regionCode: '3303' });
    admin = (await f.admin(city)).client;
    const uni = await f.org(city, { name: 'F大学团委', kind: 'COMMITTEE', industryCategory: 'HIGHER_EDUCATION' });
    const college = await f.org(uni, { name: 'F学院团委', kind: 'COMMITTEE' });
    const f1 = await f.org(college, { name: 'F1班团支部', kind: 'BRANCH' });
    const f2 = await f.org(college, { name: 'F2班团支部', kind: 'BRANCH' });
    const f3 = await f.org(college, { name: 'F3班团支部', kind: 'BRANCH' });
    await f.org(uni, { name: 'F流动团支部', kind: 'BRANCH', specialKind: 'MOBILE_GRADUATES' });
    const delayed = await f.org(uni, { name: 'F延迟团支部', kind: 'BRANCH', specialKind: 'DELAYED' });
    await f.org(uni, { name: 'F空团委', kind: 'COMMITTEE' });
    await f.org(city, { name: 'G中学团委', kind: 'COMMITTEE', industryCategory: 'MIDDLE_SCHOOL', schoolCode: 'G001' });
    const h = await f.org(city, { name: 'H中学团委', kind: 'COMMITTEE', industryCategory: 'MIDDLE_SCHOOL', schoolCode: 'H001' });
    const h1 = await f.org(h, { name: 'H1班团支部', kind: 'BRANCH' });
    for (let i = 0; i < 3; i++) await f.member(f1);
    await f.member(f2);
    const left = await f.member(f2);
    await t.ctx.db.update(members).set({ status: 'LEFT', leaveReason: 'VOLUNTARY', leftAt: t.clock.now() }).where(eq(members.id, left.id));
    for (let i = 0; i < 51; i++) await f.member(f3);
    for (let i = 0; i < 51; i++) await f.member(delayed);
    await f.member(h1);
  }, 120_000);

  it('ORG-2 lists committees with no branch below', async () => {
    expect((await names('INCOMPLETE_COMMITTEE')).map((o) => o.name).sort()).toEqual(['F空团委', 'G中学团委'].sort());
  });

  it('ORG-5 lists branches with fewer than 3 members, special branches excepted', async () => {
    const small = await names('SMALL_BRANCH');
    expect(small.map((o) => o.name).sort()).toEqual(['F2班团支部', 'H1班团支部'].sort());
    expect(small.find((o) => o.name === 'F2班团支部')!.memberCount).toBe(1);
  });

  it('ORG-5 lists branches with more than 50 members, special branches excepted', async () => {
    const large = await names('LARGE_BRANCH');
    expect(large.map((o) => ({ name: o.name, memberCount: o.memberCount }))).toEqual([{ name: 'F3班团支部', memberCount: 51 }]);
  });

  it('ORG-4 lists school orgs without a code (the top school org only) and codes without a branch', async () => {
    expect((await names('SCHOOL_WITHOUT_CODE')).map((o) => o.name)).toEqual(['F大学团委']);
    const codes = await names('SCHOOL_CODE_WITHOUT_BRANCH');
    expect(codes.map((o) => ({ name: o.name, schoolCode: o.schoolCode }))).toEqual([{ name: 'G中学团委', schoolCode: 'G001' }]);
  });

  it('SEC-1 findings stay inside the acting org’s subtree', async () => {
    const fromUniversity = await university.get('/api/org-findings?type=SCHOOL_WITHOUT_CODE&pageSize=100');
    expect(fromUniversity.body.items.map((o: { name: string }) => o.name)).not.toContain('F大学团委');
    const fromProvince = await province.get('/api/org-findings?type=SCHOOL_CODE_WITHOUT_BRANCH&pageSize=100');
    expect(fromProvince.body.items.map((o: { name: string }) => o.name)).toContain('G中学团委');
    const bad = await admin.get('/api/org-findings?type=NOPE');
    expect(bad.status).toBe(400);
  });

  it('ORG-5 narrows to the org picked in the tree (orgId), which must be inside the scope', async () => {
    const [hSchool] = await t.ctx.db.select().from(orgs).where(eq(orgs.name, 'H中学团委'));
    const res = await admin.get(`/api/org-findings?type=SMALL_BRANCH&orgId=${hSchool!.id}`);
    expect(res.status).toBe(200);
    expect(res.body.items.map((o: { name: string }) => o.name)).toEqual(['H1班团支部']);
    const outside = await admin.get(`/api/org-findings?type=SMALL_BRANCH&orgId=${tree.branchA1.id}`);
    const missing = await admin.get('/api/org-findings?type=SMALL_BRANCH&orgId=99999999');
    expect(outside.status).toBe(404);
    expect(outside.body).toEqual(missing.body);
  });
});

describe('GET /api/org-full-name-suggestion', () => {
  it('ORG-9 proposes 中国共产主义青年团 + the parent’s unit + the new unit + the suffix of the kind', async () => {
    const uni = await province.post(
      '/api/orgs',
      body(tree.province, { name: '建议大学团委', fullName: `${P}浙江建议大学委员会`, kind: 'COMMITTEE', industryCategory: 'HIGHER_EDUCATION' }),
    );
    const q = (kind: string, name: string) => province.get(`/api/org-full-name-suggestion?parentId=${uni.body.id}&kind=${kind}&name=${encodeURIComponent(name)}`);
    expect((await q('COMMITTEE', '法学院团委')).body).toEqual({ fullName: `${P}浙江建议大学法学院委员会` });
    expect((await q('GENERAL_BRANCH', '法学院团总支')).body).toEqual({ fullName: `${P}浙江建议大学法学院总支部委员会` });
    expect((await q('BRANCH', '2024级法学1班团支部')).body).toEqual({ fullName: `${P}浙江建议大学2024级法学1班支部委员会` });
    expect((await q('COMMITTEE', '浙江建议大学医学院团委')).body).toEqual({ fullName: `${P}浙江建议大学医学院委员会` });
    const outside = await university.get(`/api/org-full-name-suggestion?parentId=${tree.county.id}&kind=BRANCH&name=x`);
    expect(outside.status).toBe(404);
    const invalid = await province.get(`/api/org-full-name-suggestion?parentId=${uni.body.id}&kind=TEAM&name=x`);
    expect(invalid.status).toBe(400);
    expect(invalid.body.error.code).toBe('VALIDATION_FAILED');
  });
});
