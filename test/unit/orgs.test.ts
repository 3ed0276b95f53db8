import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  INDUSTRY_CATEGORIES,
  INDUSTRY_CATEGORY_LABELS,
  LEADERSHIP_LEVELS,
  ORG_KINDS,
  SPECIAL_KINDS,
  type IndustryCategory,
  type LeadershipLevel,
  type OrgKind,
  type SpecialKind,
} from '../../src/domain/enums';
import type { RuleResult } from '../../src/domain/errors';
import {
  BRANCH_MAX_MEMBERS,
  BRANCH_MIN_MEMBERS,
  LEAGUE_PREFIX,
  allowedChildKinds,
  allowedChildLevels,
  branchSizeFlag,
  checkDeletable,
  checkFullName,
  checkMove,
  checkPlacement,
  computeIsTownship,
  isSchoolDomain,
  needsTransitionBranch,
  orgPermissions,
  provinceCodeOf,
  regionLevel,
  suggestFullName,
  transitionBranchFullName,
  unitPart,
  type OrgFacts,
} from '../../src/domain/orgs';

function org(kind: OrgKind, extra: Partial<OrgFacts> = {}): OrgFacts {
  return {
    kind,
    leadershipLevel: kind === 'LEADERSHIP' ? 'COUNTY' : null,
    specialKind: null,
    industryCategory: 'GOVERNMENT',
    regionCode: null,
    isTownship: false,
    ...extra,
  };
}

function leadership(level: LeadershipLevel | null, extra: Partial<OrgFacts> = {}): OrgFacts {
  return org('LEADERSHIP', { leadershipLevel: level, ...extra });
}

type Child = Parameters<typeof checkPlacement>[1];
function child(kind: OrgKind, extra: Partial<Child> = {}): Child {
  return {
    kind,
    leadershipLevel: null,
    specialKind: null,
    industryCategory: 'GOVERNMENT',
    ...extra,
  };
}

function codeOf(r: RuleResult): string | null {
  return r.ok ? null : r.code;
}

const ALL_KINDS = [...ORG_KINDS];
const BELOW_LEADERSHIP: OrgKind[] = ['COMMITTEE', 'WORK_COMMITTEE', 'GENERAL_BRANCH', 'BRANCH'];

/** Every parent the rules distinguish: each leadership level (and a missing one), then the other kinds. */
const PARENTS: { label: string; facts: OrgFacts; kinds: OrgKind[]; levels: LeadershipLevel[] }[] = [
  { label: 'national leadership', facts: leadership('NATIONAL'), kinds: ALL_KINDS, levels: ['PROVINCIAL', 'CITY', 'COUNTY'] },
  { label: 'provincial leadership', facts: leadership('PROVINCIAL'), kinds: ALL_KINDS, levels: ['CITY', 'COUNTY'] },
  { label: 'city leadership', facts: leadership('CITY'), kinds: ALL_KINDS, levels: ['COUNTY'] },
  { label: 'county leadership', facts: leadership('COUNTY'), kinds: BELOW_LEADERSHIP, levels: [] },
  { label: '团委', facts: org('COMMITTEE'), kinds: ['COMMITTEE', 'GENERAL_BRANCH', 'BRANCH'], levels: [] },
  { label: '团工委', facts: org('WORK_COMMITTEE'), kinds: ['COMMITTEE', 'GENERAL_BRANCH', 'BRANCH'], levels: [] },
  { label: '团总支', facts: org('GENERAL_BRANCH'), kinds: ['BRANCH'], levels: [] },
  { label: '团支部', facts: org('BRANCH'), kinds: [], levels: [] },
];

describe('allowedChildKinds / allowedChildLevels', () => {
  it.each(PARENTS)('ORG-1 under a $label: kinds and levels', ({ facts, kinds, levels }) => {
    expect(allowedChildKinds(facts)).toEqual(kinds);
    expect(allowedChildLevels(facts)).toEqual(levels);
  });

  it('ORG-1 the table above covers every kind and every leadership level', () => {
    const covered = new Set(PARENTS.map((p) => `${p.facts.kind}:${p.facts.leadershipLevel ?? ''}`));
    for (const level of LEADERSHIP_LEVELS) expect(covered).toContain(`LEADERSHIP:${level}`);
    for (const kind of ORG_KINDS.filter((k) => k !== 'LEADERSHIP')) expect(covered).toContain(`${kind}:`);
  });

  it('ORG-1 a leadership organ without a level has no levels to offer its children', () => {
    expect(allowedChildLevels(leadership(null))).toEqual([]);
  });

  it('ORG-2 a branch allows nothing below it', () => {
    expect(allowedChildKinds({ kind: 'BRANCH', leadershipLevel: null })).toEqual([]);
    expect(allowedChildLevels({ kind: 'BRANCH', leadershipLevel: null })).toEqual([]);
  });
});

describe('checkPlacement', () => {
  it('ORG-2 nothing is placed below a branch', () => {
    for (const kind of ORG_KINDS) {
      expect(codeOf(checkPlacement(org('BRANCH'), child(kind, { leadershipLevel: kind === 'LEADERSHIP' ? 'COUNTY' : null })))).toBe(
        'ORG_2_BRANCH_IS_LEAF',
      );
    }
  });

  it('ORG-1 a child is accepted exactly when its kind (and level) is allowed by the parent', () => {
    for (const p of PARENTS.filter((x) => x.facts.kind !== 'BRANCH')) {
      for (const kind of ORG_KINDS) {
        const levels: (LeadershipLevel | null)[] = kind === 'LEADERSHIP' ? [...LEADERSHIP_LEVELS] : [null];
        for (const level of levels) {
          const r = checkPlacement(p.facts, child(kind, { leadershipLevel: level }));
          const allowed = p.kinds.includes(kind) && (kind !== 'LEADERSHIP' || p.levels.includes(level!));
          expect(codeOf(r), `${kind}/${level} under ${p.label}`).toBe(allowed ? null : 'ORG_1_KIND_NOT_ALLOWED');
        }
      }
    }
  });

  it('ORG-1 a leadership child must name its level', () => {
    expect(codeOf(checkPlacement(leadership('PROVINCIAL'), child('LEADERSHIP')))).toBe('ORG_1_LEVEL_REQUIRED');
  });

  it('ORG-1 only leadership organs have a level', () => {
    const r = checkPlacement(leadership('CITY'), child('COMMITTEE', { leadershipLevel: 'COUNTY' }));
    expect(codeOf(r)).toBe('ORG_1_KIND_NOT_ALLOWED');
    expect(r.ok ? '' : r.message).toContain('层级');
  });

  it('ORG-1 a special kind is only ever a branch', () => {
    const township = org('COMMITTEE', { isTownship: true });
    for (const kind of ['COMMITTEE', 'WORK_COMMITTEE', 'GENERAL_BRANCH'] as const) {
      for (const specialKind of SPECIAL_KINDS) {
        const parent = kind === 'COMMITTEE' ? township : leadership('COUNTY');
        expect(codeOf(checkPlacement(parent, child(kind, { specialKind })))).toBe('ORG_1_SPECIAL_KIND_BRANCH_ONLY');
      }
    }
  });

  it('ORG-3 a 学社衔接临时团支部 sits below a township org of any committee kind', () => {
    for (const kind of ['COMMITTEE', 'WORK_COMMITTEE', 'GENERAL_BRANCH'] as const) {
      expect(checkPlacement(org(kind, { isTownship: true }), child('BRANCH', { specialKind: 'TRANSITION' }))).toEqual({ ok: true });
    }
  });

  it('TR-11 a county-level leadership organ may have a 学社衔接临时团支部', () => {
    expect(checkPlacement(leadership('COUNTY'), child('BRANCH', { specialKind: 'TRANSITION' }))).toEqual({ ok: true });
  });

  it.each([
    ['a non-township 团委', org('COMMITTEE', { isTownship: false })],
    ['a 团委 whose township flag is empty', org('COMMITTEE', { isTownship: null })],
    ['a school 团委', org('COMMITTEE', { industryCategory: 'HIGHER_EDUCATION' })],
    ['a city leadership organ', leadership('CITY')],
    ['a provincial leadership organ', leadership('PROVINCIAL')],
    ['a national leadership organ', leadership('NATIONAL')],
  ])('ORG-3 a 学社衔接临时团支部 is refused below %s', (_label, parent) => {
    const r = checkPlacement(parent, child('BRANCH', { specialKind: 'TRANSITION' }));
    expect(codeOf(r)).toBe('ORG_1_KIND_NOT_ALLOWED');
    expect(r.ok ? '' : r.message).toContain('学社衔接临时团支部');
  });

  const SCHOOL_SPECIALS: SpecialKind[] = ['MOBILE_GRADUATES', 'ABROAD_STUDY', 'DELAYED'];

  it('ORG-1 the school special branches sit below a school 团委, 团工委 or 团总支', () => {
    for (const specialKind of SCHOOL_SPECIALS) {
      for (const kind of ['COMMITTEE', 'WORK_COMMITTEE', 'GENERAL_BRANCH'] as const) {
        for (const industry of INDUSTRY_CATEGORIES.filter(isSchoolDomain)) {
          const r = checkPlacement(org(kind, { industryCategory: industry }), child('BRANCH', { specialKind, industryCategory: industry }));
          expect(r, `${specialKind} under ${kind}/${industry}`).toEqual({ ok: true });
        }
      }
    }
  });

  it('ORG-1 the school special branches are refused outside the school domain and below leadership organs', () => {
    for (const specialKind of SCHOOL_SPECIALS) {
      for (const industry of INDUSTRY_CATEGORIES.filter((i) => !isSchoolDomain(i))) {
        expect(codeOf(checkPlacement(org('COMMITTEE', { industryCategory: industry }), child('BRANCH', { specialKind })))).toBe(
          'ORG_1_KIND_NOT_ALLOWED',
        );
      }
      // A leadership organ is never a school org, even if its industry says so.
      expect(
        codeOf(checkPlacement(leadership('COUNTY', { industryCategory: 'HIGHER_EDUCATION' }), child('BRANCH', { specialKind }))),
      ).toBe('ORG_1_KIND_NOT_ALLOWED');
      // a township org is not enough either
      expect(codeOf(checkPlacement(org('COMMITTEE', { isTownship: true }), child('BRANCH', { specialKind })))).toBe('ORG_1_KIND_NOT_ALLOWED');
    }
  });

  it('ORG-4 only a school-domain org carries a 学校编码', () => {
    const parent = org('COMMITTEE', { industryCategory: 'HIGHER_EDUCATION' });
    for (const industry of INDUSTRY_CATEGORIES) {
      const r = checkPlacement(parent, child('GENERAL_BRANCH', { industryCategory: industry, schoolCode: '4111010001' }));
      expect(codeOf(r), industry).toBe(isSchoolDomain(industry) ? null : 'ORG_4_SCHOOL_CODE_SCHOOL_ONLY');
    }
    expect(checkPlacement(parent, child('GENERAL_BRANCH', { schoolCode: null }))).toEqual({ ok: true });
    expect(checkPlacement(parent, child('GENERAL_BRANCH', { schoolCode: '' }))).toEqual({ ok: true });
  });

  it('ORG-2 the leaf rule is checked before anything else', () => {
    const r = checkPlacement(org('BRANCH'), child('GENERAL_BRANCH', { specialKind: 'TRANSITION', schoolCode: 'x' }));
    expect(codeOf(r)).toBe('ORG_2_BRANCH_IS_LEAF');
  });
});

describe('computeIsTownship / needsTransitionBranch', () => {
  const county = leadership('COUNTY');

  it('ORG-3 a 团委/团工委/团总支 directly below a county organ with a township region is a township org', () => {
    for (const kind of ['COMMITTEE', 'WORK_COMMITTEE', 'GENERAL_BRANCH'] as const) {
      expect(computeIsTownship(county, { kind, regionCode: '110108001' })).toBe(true);
    }
  });

  it('ORG-3 such an org with a county, city or village region is not a township org', () => {
    for (const regionCode of ['110108', '1101', '11', '110108001001']) {
      expect(computeIsTownship(county, { kind: 'COMMITTEE', regionCode })).toBe(false);
    }
  });

  it('ORG-3 such an org without a region yet has an empty flag (空)', () => {
    expect(computeIsTownship(county, { kind: 'COMMITTEE', regionCode: null })).toBeNull();
    expect(computeIsTownship(county, { kind: 'WORK_COMMITTEE', regionCode: '' })).toBeNull();
  });

  it('ORG-3 branches and leadership organs are never township orgs', () => {
    expect(computeIsTownship(county, { kind: 'BRANCH', regionCode: '110108001' })).toBe(false);
    expect(computeIsTownship(leadership('CITY'), { kind: 'LEADERSHIP', regionCode: '110108001' })).toBe(false);
  });

  it('ORG-3 only direct subordinates of a county-level organ are township orgs', () => {
    for (const parent of [leadership('CITY'), leadership('PROVINCIAL'), leadership('NATIONAL'), org('COMMITTEE'), org('WORK_COMMITTEE')]) {
      expect(computeIsTownship(parent, { kind: 'COMMITTEE', regionCode: '110108001' })).toBe(false);
      expect(computeIsTownship(parent, { kind: 'COMMITTEE', regionCode: null })).toBe(false);
    }
  });

  it('ORG-3 only township orgs (flag 是) get a 学社衔接临时团支部 with them', () => {
    expect(needsTransitionBranch({ isTownship: true })).toBe(true);
    expect(needsTransitionBranch({ isTownship: false })).toBe(false);
    expect(needsTransitionBranch({ isTownship: null })).toBe(false);
  });
});

describe('checkFullName', () => {
  const VALID: Record<OrgKind, string> = {
    LEADERSHIP: '中国共产主义青年团北京市海淀区委员会',
    COMMITTEE: '中国共产主义青年团清华大学委员会',
    WORK_COMMITTEE: '中国共产主义青年团北京市海淀区机关工作委员会',
    GENERAL_BRANCH: '中国共产主义青年团清华大学计算机系总支部委员会',
    BRANCH: '中国共产主义青年团清华大学计算机系2020级1班支部委员会',
  };

  it.each(ORG_KINDS)('ORG-9 accepts a well-formed 全称 for %s', (kind) => {
    expect(checkFullName(kind, VALID[kind])).toEqual({ ok: true });
  });

  it('ORG-9 a 团支部 full name ending in 总支部委员会 is refused (团总支 confusion)', () => {
    const r = checkFullName('BRANCH', VALID.GENERAL_BRANCH);
    expect(codeOf(r)).toBe('ORG_9_FULL_NAME_FORMAT');
    expect(r.ok ? '' : r.message).toContain('“支部委员会”结尾');
  });

  it('ORG-9 a 团总支 full name ending in plain 支部委员会 is refused', () => {
    const r = checkFullName('GENERAL_BRANCH', VALID.BRANCH);
    expect(codeOf(r)).toBe('ORG_9_FULL_NAME_FORMAT');
    expect(r.ok ? '' : r.message).toContain('“总支部委员会”结尾');
  });

  it.each(['LEADERSHIP', 'COMMITTEE', 'WORK_COMMITTEE'] as const)('ORG-9 a %s full name ending in (总)支部委员会 is refused', (kind) => {
    expect(codeOf(checkFullName(kind, VALID.BRANCH))).toBe('ORG_9_FULL_NAME_FORMAT');
    expect(codeOf(checkFullName(kind, VALID.GENERAL_BRANCH))).toBe('ORG_9_FULL_NAME_FORMAT');
  });

  it.each(ORG_KINDS)('ORG-9 a %s full name without the league prefix is refused', (kind) => {
    for (const name of [VALID[kind].replace(LEAGUE_PREFIX, '共青团'), VALID[kind].replace(LEAGUE_PREFIX, '')]) {
      const r = checkFullName(kind, name);
      expect(codeOf(r)).toBe('ORG_9_FULL_NAME_FORMAT');
      expect(r.ok ? '' : r.message).toContain(`以“${LEAGUE_PREFIX}”开头`);
    }
  });

  it('ORG-9 a short name (简称) is not a full name', () => {
    expect(codeOf(checkFullName('COMMITTEE', '清华大学团委'))).toBe('ORG_9_FULL_NAME_FORMAT');
    expect(codeOf(checkFullName('BRANCH', '2020级1班团支部'))).toBe('ORG_9_FULL_NAME_FORMAT');
  });

  it.each([
    ['LEADERSHIP', '中国共产主义青年团委员会'],
    ['COMMITTEE', '中国共产主义青年团委员会'],
    ['WORK_COMMITTEE', '中国共产主义青年团委员会'],
    ['GENERAL_BRANCH', '中国共产主义青年团总支部委员会'],
    ['BRANCH', '中国共产主义青年团支部委员会'],
  ] as const)('ORG-9 a %s full name with nothing between prefix and suffix is too short', (kind, name) => {
    const r = checkFullName(kind, name);
    expect(codeOf(r)).toBe('ORG_9_FULL_NAME_FORMAT');
    expect(r.ok ? '' : r.message).toContain('地区和单位');
  });

  it('ORG-9 lists every problem at once', () => {
    const r = checkFullName('BRANCH', '清华大学团委');
    expect(r.ok ? '' : r.message).toContain('开头');
    expect(r.ok ? '' : r.message).toContain('结尾');
  });
});

describe('unitPart / suggestFullName', () => {
  it.each([
    ['中国共产主义青年团清华大学委员会', '清华大学'],
    ['中国共产主义青年团北京市海淀区机关工作委员会', '北京市海淀区机关'],
    ['中国共产主义青年团清华大学计算机系总支部委员会', '清华大学计算机系'],
    ['中国共产主义青年团清华大学计算机系2020级1班支部委员会', '清华大学计算机系2020级1班'],
    ['清华大学团委', '清华大学'],
    ['海淀区机关团工委', '海淀区机关'],
    ['计算机系团总支', '计算机系'],
    ['2020级1班团支部', '2020级1班'],
    ['中关村街道学社衔接临时团支部', '中关村街道学社衔接'],
    ['清华大学', '清华大学'],
  ])('ORG-9 the unit part of %s is %s', (name, unit) => {
    expect(unitPart(name)).toBe(unit);
  });

  it('ORG-3 the 学社衔接临时团支部 is named after its township, whether that is a 团委 or a 团工委', () => {
    expect(transitionBranchFullName('中国共产主义青年团北京市海淀区中关村街道委员会')).toBe('中国共产主义青年团北京市海淀区中关村街道学社衔接临时支部委员会');
    expect(transitionBranchFullName('中国共产主义青年团北京市海淀区中关村街道工作委员会')).toBe('中国共产主义青年团北京市海淀区中关村街道学社衔接临时支部委员会');
    expect(checkFullName('BRANCH', transitionBranchFullName('中国共产主义青年团北京市海淀区中关村街道委员会')).ok).toBe(true);
  });

  it('ORG-9 suggests parent unit + own unit + the kind suffix', () => {
    expect(suggestFullName('BRANCH', '2020级1班团支部', '中国共产主义青年团清华大学计算机系总支部委员会')).toBe(
      '中国共产主义青年团清华大学计算机系2020级1班支部委员会',
    );
    expect(suggestFullName('GENERAL_BRANCH', '计算机系团总支', '中国共产主义青年团清华大学委员会')).toBe(
      '中国共产主义青年团清华大学计算机系总支部委员会',
    );
    expect(suggestFullName('COMMITTEE', '清华大学团委', '中国共产主义青年团北京市海淀区委员会')).toBe(
      '中国共产主义青年团北京市海淀区清华大学委员会',
    );
  });

  it('ORG-9 does not repeat the parent unit when the short name already starts with it', () => {
    expect(suggestFullName('GENERAL_BRANCH', '清华大学计算机系团总支', '中国共产主义青年团清华大学委员会')).toBe(
      '中国共产主义青年团清华大学计算机系总支部委员会',
    );
  });

  it('ORG-9 a root org is named from its own unit', () => {
    expect(suggestFullName('LEADERSHIP', '北京市团委', null)).toBe('中国共产主义青年团北京市委员会');
  });

  it('ORG-9 a 团工委 (团的工作委员会) is suggested as …工作委员会', () => {
    expect(suggestFullName('WORK_COMMITTEE', '机关团工委', '中国共产主义青年团北京市海淀区委员会')).toBe(
      '中国共产主义青年团北京市海淀区机关工作委员会',
    );
  });

  it('ORG-9 every suggestion passes checkFullName', () => {
    const unit = fc.string({ unit: fc.constantFrom(...'东西南北中山水大学院系班级市区县镇街道0123456789'), minLength: 1, maxLength: 12 });
    const shortSuffix = fc.constantFrom('', '团委', '团工委', '团总支', '团支部');
    fc.assert(
      fc.property(fc.constantFrom(...ORG_KINDS), unit, shortSuffix, fc.option(unit, { nil: null }), (kind, u, s, parentUnit) => {
        const parent = parentUnit === null ? null : `${LEAGUE_PREFIX}${parentUnit}委员会`;
        return checkFullName(kind, suggestFullName(kind, `${u}${s}`, parent)).ok;
      }),
    );
  });
});

describe('checkDeletable', () => {
  const empty = { members: 0, children: 0, openTransfers: 0, activeCadres: 0 };

  it('ORG-7 an empty org may be deleted', () => {
    expect(checkDeletable(empty)).toEqual({ ok: true });
  });

  it.each([
    ['children', 'ORG_7_HAS_CHILDREN'],
    ['members', 'ORG_7_HAS_MEMBERS'],
    ['openTransfers', 'ORG_7_HAS_OPEN_TRANSFERS'],
    ['activeCadres', 'ORG_7_HAS_CADRES'],
  ] as const)('ORG-7 an org with %s left is not deleted', (field, code) => {
    expect(codeOf(checkDeletable({ ...empty, [field]: 1 }))).toBe(code);
  });

  it('ORG-7 reports sub-orgs first, then members, then open transfers, then cadres', () => {
    expect(codeOf(checkDeletable({ members: 3, children: 2, openTransfers: 1, activeCadres: 1 }))).toBe('ORG_7_HAS_CHILDREN');
    expect(codeOf(checkDeletable({ members: 3, children: 0, openTransfers: 1, activeCadres: 1 }))).toBe('ORG_7_HAS_MEMBERS');
    expect(codeOf(checkDeletable({ members: 0, children: 0, openTransfers: 1, activeCadres: 1 }))).toBe('ORG_7_HAS_OPEN_TRANSFERS');
    expect(codeOf(checkDeletable({ members: 0, children: 0, openTransfers: 0, activeCadres: 1 }))).toBe('ORG_7_HAS_CADRES');
  });
});

describe('branchSizeFlag', () => {
  it.each([
    [0, 'TOO_SMALL'],
    [1, 'TOO_SMALL'],
    [2, 'TOO_SMALL'],
    [3, null],
    [25, null],
    [50, null],
    [51, 'TOO_LARGE'],
    [200, 'TOO_LARGE'],
  ] as const)('ORG-5 a branch of %i members is flagged %s', (n, flag) => {
    expect(branchSizeFlag(n)).toBe(flag);
  });

  it('ORG-5 the bounds are 3 and 50', () => {
    expect(BRANCH_MIN_MEMBERS).toBe(3);
    expect(BRANCH_MAX_MEMBERS).toBe(50);
  });
});

describe('checkMove', () => {
  const branchOrg = { path: '/1/2/', parentId: 1, ...child('BRANCH') };
  const target = (id: number, path: string, facts: OrgFacts = org('GENERAL_BRANCH')) => ({ ...facts, id, path });

  it('ORG-1 an org is never moved below itself', () => {
    expect(codeOf(checkMove(branchOrg, target(2, '/1/2/')))).toBe('ORG_MOVE_INTO_OWN_SUBTREE');
  });

  it('ORG-1 an org is never moved below one of its descendants', () => {
    const committee = { path: '/1/2/', parentId: 1, ...child('COMMITTEE') };
    expect(codeOf(checkMove(committee, target(5, '/1/2/5/', org('COMMITTEE'))))).toBe('ORG_MOVE_INTO_OWN_SUBTREE');
    expect(codeOf(checkMove(committee, target(9, '/1/2/5/9/')))).toBe('ORG_MOVE_INTO_OWN_SUBTREE');
  });

  it("ORG-1 '/1/23/' is not below '/1/2/': that move is allowed", () => {
    expect(checkMove(branchOrg, target(23, '/1/23/'))).toEqual({ ok: true });
  });

  it('ORG-1 moving to the same parent is refused', () => {
    expect(codeOf(checkMove(branchOrg, target(1, '/1/', org('COMMITTEE'))))).toBe('ORG_MOVE_SAME_PARENT');
  });

  it('ORG-2 the new parent must accept the org', () => {
    expect(codeOf(checkMove(branchOrg, target(7, '/1/7/', org('BRANCH'))))).toBe('ORG_2_BRANCH_IS_LEAF');
    const committee = { path: '/1/2/', parentId: 1, ...child('COMMITTEE') };
    expect(codeOf(checkMove(committee, target(7, '/1/7/')))).toBe('ORG_1_KIND_NOT_ALLOWED');
  });
});

describe('regionLevel / provinceCodeOf', () => {
  it.each([
    ['11', 'PROVINCE'],
    ['1101', 'CITY'],
    ['110108', 'COUNTY'],
    ['110108001', 'TOWNSHIP'],
    ['110108001001', 'VILLAGE'],
    ['', null],
    ['1', null],
    ['110', null],
    ['11010', null],
    ['1101080', null],
    ['11010800', null],
    ['1101080010', null],
    ['1101080010010', null],
    ['11a108', null],
    ['1101 8', null],
  ] as const)('ORG-8 %s is at level %s', (code, level) => {
    expect(regionLevel(code)).toBe(level);
  });

  it('ORG-8 the province is the first two digits', () => {
    expect(provinceCodeOf('110108001')).toBe('11');
    expect(provinceCodeOf('44')).toBe('44');
    expect(provinceCodeOf('4')).toBeNull();
    expect(provinceCodeOf(null)).toBeNull();
  });
});

describe('isSchoolDomain', () => {
  const SCHOOL: Record<IndustryCategory, boolean> = {
    GOVERNMENT: false,
    PUBLIC_INSTITUTION: false,
    HIGHER_EDUCATION: true,
    VOCATIONAL_SCHOOL: true,
    HIGH_SCHOOL: true,
    MIDDLE_SCHOOL: true,
    PRIMARY_SCHOOL: true,
    STATE_ENTERPRISE: false,
    COLLECTIVE_ENTERPRISE: false,
    PRIVATE_ENTERPRISE: false,
    SOCIAL_ORGANIZATION: false,
    MILITARY: false,
    ARMED_POLICE: false,
    URBAN_COMMUNITY: false,
    RURAL: false,
    OTHER: false,
  };

  it.each(INDUSTRY_CATEGORIES)('ORG-4 %s is classified', (industry) => {
    expect(isSchoolDomain(industry)).toBe(SCHOOL[industry]);
  });

  it('ORG-4 there are 16 industries, five of them schools, labelled as in the notice', () => {
    expect(INDUSTRY_CATEGORIES).toHaveLength(16);
    expect(INDUSTRY_CATEGORIES.filter(isSchoolDomain).map((i) => INDUSTRY_CATEGORY_LABELS[i])).toEqual([
      '普通高等院校',
      '职业教育学校',
      '普通高中',
      '初中',
      '小学',
    ]);
  });
});

describe('orgPermissions', () => {
  it('SEC-1 an admin edits but never moves or deletes the org they act for', () => {
    expect(orgPermissions({ orgId: 5 }, { id: 5, kind: 'COMMITTEE', leadershipLevel: null })).toEqual({
      createChildKinds: ['COMMITTEE', 'GENERAL_BRANCH', 'BRANCH'],
      edit: true,
      move: false,
      delete: false,
    });
  });

  it('SEC-1 an admin moves and deletes orgs below the one they act for', () => {
    expect(orgPermissions({ orgId: 5 }, { id: 9, kind: 'BRANCH', leadershipLevel: null })).toEqual({
      createChildKinds: [],
      edit: true,
      move: true,
      delete: true,
    });
  });

  it('ORG-1 the kinds offered for creation are the allowed child kinds, for every kind and level', () => {
    for (const p of PARENTS) {
      const perms = orgPermissions({ orgId: 1 }, { id: 2, kind: p.facts.kind, leadershipLevel: p.facts.leadershipLevel });
      expect(perms.createChildKinds).toEqual(p.kinds);
    }
  });
});
