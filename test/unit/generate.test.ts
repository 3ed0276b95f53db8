import { describe, expect, it } from 'vitest';
import { validateIdNumber } from '../../src/domain/id-number';
import { generateMembers, planTree } from '../../src/seed/generate';

// The synthetic-data generator (issue 6/7): benchmarks are only comparable if the data is the same.
describe('synthetic data generator', () => {
  const plan = planTree({ scale: 'county', members: 8_000 });

  it('is deterministic: the same options give the same orgs and people', () => {
    const again = planTree({ scale: 'county', members: 8_000 });
    expect(again.orgs).toEqual(plan.orgs);
    const a = [...generateMembers(plan, { seed: 5 })].slice(0, 500);
    const b = [...generateMembers(again, { seed: 5 })].slice(0, 500);
    expect(b).toEqual(a);
    const c = [...generateMembers(plan, { seed: 6 })].slice(0, 500);
    expect(c).not.toEqual(a);
  });

  it('spreads exactly the requested members over branches only, with valid unique ID numbers and phones', () => {
    const people = [...generateMembers(plan)];
    expect(people).toHaveLength(8_000);
    const branchIds = new Set(plan.branches.map((b) => b.org.id));
    const ids = new Set<string>();
    const phones = new Set<string>();
    const devNumbers = new Set<string>();
    for (const { person, member } of people) {
      expect(branchIds.has(member.branchId)).toBe(true);
      const v = validateIdNumber(person.idNumber);
      expect(v.ok).toBe(true);
      if (v.ok) expect(v.birthDate).toBe(person.birthDate);
      ids.add(person.idNumber);
      if (person.phone) phones.add(person.phone);
      if (member.developmentNumber) devNumbers.add(member.developmentNumber);
    }
    expect(ids.size).toBe(people.length);
    expect(phones.size).toBe(people.filter((p) => p.person.phone).length);
    expect(devNumbers.size).toBe(people.filter((p) => p.member.developmentNumber).length);
  });

  it('builds a consistent tree: paths follow parents, sibling names are unique, every township has its 学社衔接临时团支部', () => {
    const byId = new Map(plan.orgs.map((o) => [o.id, o]));
    const siblingNames = new Set<string>();
    for (const o of plan.orgs) {
      if (o.parentId === null) continue;
      const parent = byId.get(o.parentId)!;
      expect(o.path).toBe(`${parent.path}${o.id}/`);
      expect(o.depth).toBe(parent.depth + 1);
      const key = `${o.parentId}:${o.name}`;
      expect(siblingNames.has(key)).toBe(false);
      siblingNames.add(key);
    }
    const townships = plan.orgs.filter((o) => o.isTownship);
    expect(townships.length).toBeGreaterThan(5);
    for (const t of townships) {
      expect(plan.orgs.some((o) => o.parentId === t.id && o.specialKind === 'TRANSITION')).toBe(true);
    }
  });
});
