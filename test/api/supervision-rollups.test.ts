import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../../src/db/client';
import { members, memberships, orgRollups, orgs, persons } from '../../src/db/schema';
import { chinaDate } from '../../src/domain/dates';
import { isBranchEntered, isMarked, isSchoolBranch, memberFigures } from '../../src/domain/supervision';
import { moveSubtree } from '../../src/server/modules/orgs/orgs.repo';
import { derivedFacts } from '../../src/server/modules/members/members.service';
import { createTestApp, type TestApp } from '../helpers/app';
import { Factory, memberInput, type Client, type OrgRow, type Tree } from '../helpers/factories';
import { foldRollupDeltas } from '../../src/jobs/fold-rollups';

// The rollups of drizzle/*_supervision_rollups.sql must equal, for every org, a direct count over its
// subtree computed here from the pure definitions of src/domain/supervision.ts — after any mix of
// entries, bulk inserts, transfers, leaving, restoring, deleting, org moves, marks and deletions.

let t: TestApp;
let f: Factory;
let tree: Tree;
let province: Client;

beforeAll(async () => {
  t = await createTestApp();
  f = new Factory(t);
  tree = await f.tree();
  province = (await f.admin(tree.province)).client;
});
afterAll(() => t.close());

const ZERO = {
  membersActive: 0, membersComplete: 0, membersSince2017: 0, membersSince2019: 0, membersLate2019: 0,
  branches: 0, branchesEntered: 0, schoolBranches: 0, schoolBranchesMarked: 0, schoolMembers: 0, schools: 0,
};

/** Every org's figures counted directly from members and orgs (the ground truth). */
async function directCounts() {
  const allOrgs = await t.ctx.db.select().from(orgs);
  const allMembers = await t.ctx.db.select().from(members);
  const byId = new Map(allOrgs.map((o) => [o.id, o]));
  const facts = (o: OrgRow) => ({ ...o, deleted: o.deletedAt !== null });
  const activeIn = new Map<number, number>();
  for (const m of allMembers) if (m.status === 'ACTIVE') activeIn.set(m.branchId, (activeIn.get(m.branchId) ?? 0) + 1);
  const result = new Map<number, typeof ZERO>();
  for (const o of allOrgs) {
    const r = { ...ZERO };
    for (const d of allOrgs) {
      if (!d.path.startsWith(o.path)) continue;
      const df = facts(d);
      if (d.kind === 'BRANCH' && !df.deleted) r.branches++;
      if (isBranchEntered(df, activeIn.get(d.id) ?? 0)) r.branchesEntered++;
      if (isSchoolBranch(df)) {
        r.schoolBranches++;
        if (isMarked(df)) r.schoolBranchesMarked++;
        r.schoolMembers += activeIn.get(d.id) ?? 0;
      }
      if (!df.deleted && d.schoolCode) r.schools++;
    }
    for (const m of allMembers) {
      if (!m.orgPath.startsWith(o.path)) continue;
      expect(m.orgPath).toBe(byId.get(m.branchId)!.path);
      const v = memberFigures({ ...m, enteredOn: chinaDate(m.createdAt) });
      r.membersActive += v.active;
      r.membersComplete += v.complete;
      r.membersSince2017 += v.since2017;
      r.membersSince2019 += v.since2019;
      r.membersLate2019 += v.late2019;
    }
    result.set(o.id, r);
  }
  return result;
}

/**
 * The view (base + pending deltas) equals the direct counts, and again after the deltas are folded
 * into the base table: folding never changes a figure.
 */
async function expectNoDrift(step: string) {
  const truth = await directCounts();
  for (const phase of ['pending deltas', 'folded']) {
    if (phase === 'folded') await foldRollupDeltas(t.ctx);
    const stored = new Map((await t.ctx.db.select().from(orgRollups)).map(({ orgId, ...r }) => [orgId, r]));
    const mismatches: string[] = [];
    for (const [id, want] of truth) {
      const got = stored.get(id) ?? ZERO;
      if (JSON.stringify(got) !== JSON.stringify(want)) mismatches.push(`${step} (${phase}): org ${id} stored ${JSON.stringify(got)} direct ${JSON.stringify(want)}`);
    }
    expect(mismatches).toEqual([]);
  }
}

/** A small deterministic PRNG, so a failure replays exactly. */
function prng(seed: number) {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    return s / 0x7fffffff;
  };
}

describe('rollups never drift (ST-1 … ST-5)', () => {
  it('equal the direct counts after every kind of change, in random order', async () => {
    const rnd = prng(20260302);
    const pick = <T>(xs: T[]): T => xs[Math.floor(rnd() * xs.length)]!;
    const extraColleges: OrgRow[] = [];
    for (let i = 0; i < 2; i++) extraColleges.push(await f.org(tree.university, { name: `学院${i}`, kind: 'COMMITTEE' }));
    const branches: OrgRow[] = [tree.branchA1, tree.branchA2, tree.branchB1, tree.transition];
    for (const c of extraColleges) for (let j = 0; j < 2; j++) branches.push(await f.org(c, { name: `${c.name}班${j}`, kind: 'BRANCH' }));
    branches.push(await f.org(tree.township, { name: '社区团支部', kind: 'BRANCH', industryCategory: 'URBAN_COMMUNITY' }));
    await expectNoDrift('setup');

    let apiN = 0;
    const live = async () => t.ctx.db.select().from(orgs).where(sql`${orgs.deletedAt} IS NULL`);
    const freshBranch = async (o: OrgRow) => (await t.ctx.db.select().from(orgs).where(eq(orgs.id, o.id)))[0]!;
    const ops: Record<string, () => Promise<void>> = {
      async factoryMember() {
        const b = await freshBranch(pick(branches));
        if (b.deletedAt) return;
        await f.member(b, { joinedLeagueAt: pick(['2015-03', '2017-09', '2019-05', '2024-04']) });
      },
      async apiMember() {
        const b = await freshBranch(pick(branches));
        if (b.deletedAt) return;
        const res = await province.post('/api/members', memberInput(b.id, ++apiN, { admittedAt: pick(['2025-01-10', '2026-02-20']), developmentNumber: `2020${String(9000 + apiN).padStart(8, '0')}` }));
        expect(res.status).toBe(201);
      },
      async bulkInsert() {
        const b = await freshBranch(pick(branches));
        if (b.deletedAt) return;
        const people = [];
        for (let i = 0; i < 3; i++) people.push(await f.person());
        const now = t.clock.now();
        const rows = people.map((p, i) => {
          const record = { ethnicity: '汉族', politicalStatus: 'LEAGUE_MEMBER' as const, joinedLeagueAt: i === 0 ? '2016-05' : '2021-05', developmentNumber: null, identityEvidence: 'APPLICATION_FORM' as const, isCadre: false, leaguePosition: null, education: '本科', highestEducation: '本科', occupation: '学生', workUnit: '某校', hukouAddress: '某地', residenceAddress: '某地' };
          return { personId: p.id, branchId: b.id, orgPath: b.path, ...record, admittedAt: i === 2 ? '2025-06-01' : null, ...derivedFacts({ ...record, birthDate: p.birthDate, hasPhone: true }), createdAt: now, updatedAt: now };
        });
        const inserted = await t.ctx.db.insert(members).values(rows).returning({ id: members.id });
        await t.ctx.db.insert(memberships).values(inserted.map((m) => ({ memberId: m.id, branchId: b.id, startedAt: now, startReason: 'ENTRY' as const })));
      },
      async transfer() {
        // What the transfers module does: a member changes branch (and path) in one update.
        const [m] = await t.ctx.db.select().from(members).where(eq(members.status, 'ACTIVE')).orderBy(sql`random()`).limit(1);
        const b = await freshBranch(pick(branches));
        if (!m || b.deletedAt) return;
        await t.ctx.db.update(members).set({ branchId: b.id, orgPath: b.path }).where(eq(members.id, m.id));
      },
      async leave() {
        const [m] = await t.ctx.db.select().from(members).where(eq(members.status, 'ACTIVE')).orderBy(sql`random()`).limit(1);
        if (!m) return;
        const res = await province.post(`/api/members/${m.id}/leave`, { reason: 'AGE_28' });
        expect([200, 409, 422]).toContain(res.status);
      },
      async restore() {
        const [m] = await t.ctx.db.select().from(members).where(eq(members.status, 'LEFT')).orderBy(sql`random()`).limit(1);
        const b = await freshBranch(pick(branches));
        if (!m || b.deletedAt) return;
        expect((await province.post(`/api/members/${m.id}/restore`, { branchId: b.id })).status).toBe(200);
      },
      async hardDelete() {
        const [m] = await t.ctx.db.select().from(members).orderBy(sql`random()`).limit(1);
        if (!m) return;
        await t.ctx.db.transaction(async (tx) => {
          await tx.delete(memberships).where(eq(memberships.memberId, m.id));
          await tx.delete(members).where(eq(members.id, m.id));
        });
      },
      async completeProfile() {
        await t.ctx.db.execute(sql`UPDATE members SET profile_complete = NOT profile_complete, admitted_at = CASE WHEN admitted_at IS NULL THEN DATE '2025-11-01' ELSE NULL END WHERE id IN (SELECT id FROM members ORDER BY random() LIMIT 3)`);
      },
      async moveOrg() {
        const all = await live();
        const movable = all.filter((o) => o.depth >= 2 && o.kind !== 'LEADERSHIP');
        const org = pick(movable);
        const parents = all.filter((p) => p.kind !== 'BRANCH' && !p.path.startsWith(org.path) && p.id !== org.parentId);
        if (!org || parents.length === 0) return;
        await t.ctx.db.transaction(async (tx) => {
          await moveSubtree(tx, org, pick(parents), t.clock.now());
        });
      },
      async markGraduation() {
        const b = pick(branches);
        await t.ctx.db.update(orgs).set(rnd() < 0.5 ? { graduationAt: pick(['2026-06', '2027-06']), graduationExemptReason: null } : { graduationAt: null, graduationExemptReason: rnd() < 0.5 ? 'TEACHERS' : null }).where(eq(orgs.id, b.id));
      },
      async changeIndustry() {
        const all = await live();
        const o = pick(all.filter((x) => x.depth >= 2));
        await t.ctx.db.update(orgs).set({ industryCategory: pick(['HIGHER_EDUCATION', 'PRIVATE_ENTERPRISE', 'HIGH_SCHOOL']) }).where(eq(orgs.id, o.id));
      },
      async newOrDeletedBranch() {
        const all = await live();
        if (rnd() < 0.5) {
          const parent = pick(all.filter((o) => o.kind !== 'BRANCH' && o.depth >= 1));
          branches.push(await f.org(parent, { name: `新支部${++apiN}`, kind: 'BRANCH' }));
        } else {
          const empty = all.filter((o) => o.kind === 'BRANCH');
          const b = pick(empty);
          const [{ n }] = (await rows<{ n: number }>(t.ctx.db, sql`SELECT count(*)::int AS n FROM members WHERE branch_id = ${b.id}`)) as [{ n: number }];
          if (n === 0) await t.ctx.db.update(orgs).set({ deletedAt: t.clock.now() }).where(eq(orgs.id, b.id));
        }
      },
      async schoolCode() {
        const all = await live();
        const o = pick(all.filter((x) => x.kind === 'COMMITTEE'));
        await t.ctx.db.update(orgs).set({ schoolCode: o.schoolCode ? null : `41${o.id}` }).where(eq(orgs.id, o.id));
      },
    };
    const names = Object.keys(ops);
    for (let round = 0; round < 8; round++) {
      for (let i = 0; i < 8; i++) {
        const name = pick(names);
        await ops[name]!();
      }
      await expectNoDrift(`round ${round}`);
    }
    // The rebuild function (used for the backfill) agrees too.
    await t.ctx.db.execute(sql`SELECT sup_rebuild_rollups()`);
    await expectNoDrift('after rebuild');
    expect((await t.ctx.db.select().from(persons)).length).toBeGreaterThan(10);
  });

  it('a member’s create, transfer, leave and delete move exactly one count at each affected level', async () => {
    const read = async (o: OrgRow) => (await t.ctx.db.select().from(orgRollups).where(eq(orgRollups.orgId, o.id)))[0]?.membersActive ?? 0;
    // The first test moved orgs around: build a fresh corner under the province's current path.
    const prov = (await t.ctx.db.select().from(orgs).where(eq(orgs.id, tree.province.id)))[0]!;
    const x = await f.org(prov, { name: '单测团委甲', kind: 'COMMITTEE' });
    const y = await f.org(prov, { name: '单测团委乙', kind: 'COMMITTEE' });
    const a = await f.org(x, { name: '单测支部甲', kind: 'BRANCH' });
    const b = await f.org(y, { name: '单测支部乙', kind: 'BRANCH' });
    const p0 = await read(prov);
    const m = await f.member(a);
    expect([await read(a), await read(x), await read(y), await read(prov)]).toEqual([1, 1, 0, p0 + 1]);
    await t.ctx.db.update(members).set({ branchId: b.id, orgPath: b.path }).where(eq(members.id, m.id));
    expect([await read(a), await read(x), await read(b), await read(y), await read(prov)]).toEqual([0, 0, 1, 1, p0 + 1]);
    expect((await province.post(`/api/members/${m.id}/leave`, { reason: 'VOLUNTARY' })).status).toBe(200);
    expect([await read(b), await read(y), await read(prov)]).toEqual([0, 0, p0]);
    const other = await f.member(b);
    await t.ctx.db.transaction(async (tx) => {
      await tx.delete(memberships).where(eq(memberships.memberId, other.id));
      await tx.delete(members).where(eq(members.id, other.id));
    });
    expect([await read(b), await read(y), await read(prov)]).toEqual([0, 0, p0]);
    await expectNoDrift('single member');
  });

  it('concurrent entries and leaves in different branches neither deadlock nor drift (PostgreSQL runs them in parallel)', async () => {
    const prov = (await t.ctx.db.select().from(orgs).where(eq(orgs.id, tree.province.id)))[0]!;
    const committees = await Promise.all([0, 1, 2].map((i) => f.org(prov, { name: `并发团委${i}`, kind: 'COMMITTEE' })));
    const targets = await Promise.all(committees.flatMap((c, i) => [0, 1].map((j) => f.org(c, { name: `并发支部${i}-${j}`, kind: 'BRANCH' }))));
    const results = await Promise.all(
      Array.from({ length: 24 }, (_, i) => province.post('/api/members', memberInput(targets[i % targets.length]!.id, 700 + i, { developmentNumber: `2020${String(7000 + i).padStart(8, '0')}` }))),
    );
    expect(results.map((r) => r.status)).toEqual(Array(24).fill(201));
    const leaves = await Promise.all(results.slice(0, 10).map((r) => province.post(`/api/members/${r.body.id}/leave`, { reason: 'VOLUNTARY' })));
    expect(leaves.map((r) => r.status)).toEqual(Array(10).fill(200));
    await expectNoDrift('concurrent');
    const [rollup] = await t.ctx.db.select().from(orgRollups).where(eq(orgRollups.orgId, committees[0]!.id));
    // Members i ≡ 0, 1 (mod 6) went to its two branches (8), and i = 0, 1, 6, 7 left.
    expect(rollup!.membersActive).toBe(4);
  });

  it('ST-2 完成录入 is exact while branch deltas are pending: filled, moved, emptied and refilled before a fold, and a fold racing a move (issue 6/7)', async () => {
    const prov = (await t.ctx.db.select().from(orgs).where(eq(orgs.id, tree.province.id)))[0]!;
    const p = await f.org(prov, { name: '完成录入甲', kind: 'COMMITTEE' });
    const q = await f.org(prov, { name: '完成录入乙', kind: 'COMMITTEE' });
    const b = await f.org(p, { name: '完成录入支部', kind: 'BRANCH' });
    const entered = async (o: OrgRow) => (await t.ctx.db.select().from(orgRollups).where(eq(orgRollups.orgId, o.id)))[0]?.branchesEntered ?? 0;
    await foldRollupDeltas(t.ctx);
    // Nothing folded from here on: the view's correction alone makes the figures exact.
    const m = await f.member(b);
    expect([await entered(p), await entered(q)]).toEqual([1, 0]);
    const [pending] = await rows<{ n: number }>(t.ctx.db, sql`SELECT count(*)::int AS n FROM branch_stat_deltas WHERE branch_id = ${b.id}`);
    expect(pending!.n).toBeGreaterThan(0);
    await t.ctx.db.transaction(async (tx) => {
      await moveSubtree(tx, (await tx.select().from(orgs).where(eq(orgs.id, b.id)))[0]!, q, t.clock.now());
    });
    expect([await entered(p), await entered(q)]).toEqual([0, 1]);
    await expectNoDrift('moved while pending');
    // Emptied and refilled across folds, then a fold racing a move back (PostgreSQL runs both at once).
    expect((await province.post(`/api/members/${m.id}/leave`, { reason: 'VOLUNTARY' })).status).toBe(200);
    expect(await entered(q)).toBe(0);
    await f.member((await t.ctx.db.select().from(orgs).where(eq(orgs.id, b.id)))[0]!);
    const moveBack = () =>
      t.ctx.db.transaction(async (tx) => {
        await moveSubtree(tx, (await tx.select().from(orgs).where(eq(orgs.id, b.id)))[0]!, p, t.clock.now());
      });
    // PGlite has one connection: a statement outside an open transaction would wait for it forever.
    if (t.ctx.database.kind === 'pglite') await moveBack().then(() => foldRollupDeltas(t.ctx));
    else await Promise.all([moveBack(), foldRollupDeltas(t.ctx)]);
    expect([await entered(p), await entered(q)]).toEqual([1, 0]);
    await expectNoDrift('fold racing a move');
  });

  it('a subtree move racing with raw member inserts into the moved branches (no service locks) leaves no drift', async () => {
    const prov = (await t.ctx.db.select().from(orgs).where(eq(orgs.id, tree.province.id)))[0]!;
    const from = await f.org(prov, { name: '迁出团委', kind: 'COMMITTEE' });
    const to = await f.org(prov, { name: '迁入团委', kind: 'COMMITTEE' });
    const moving = await f.org(from, { name: '迁移团总支', kind: 'GENERAL_BRANCH' });
    const branchesBelow = await Promise.all([0, 1, 2].map((i) => f.org(moving, { name: `迁移支部${i}`, kind: 'BRANCH' })));
    for (const b of branchesBelow) await f.member(b);
    for (let round = 0; round < 3; round++) {
      const current = (await t.ctx.db.select().from(orgs).where(eq(orgs.id, moving.id)))[0]!;
      const target = round % 2 === 0 ? to : from;
      const fresh = await t.ctx.db.select().from(orgs).where(sql`${orgs.parentId} = ${moving.id}`);
      await Promise.all([
        t.ctx.db.transaction(async (tx) => {
          await moveSubtree(tx, current, target, t.clock.now());
        }),
        // The factory writes the member with the branch path it read before the move; the trigger
        // must still count it under the ancestors the branch has once both are committed.
        ...fresh.map((b) => f.member(b)),
      ]);
      // Members written with a stale path are repaired the way moveSubtree would have: by path.
      await t.ctx.db.execute(sql`UPDATE members m SET org_path = o.path FROM orgs o WHERE o.id = m.branch_id AND m.org_path <> o.path`);
      await expectNoDrift(`move race ${round}`);
    }
  });
});
