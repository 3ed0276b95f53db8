import { describe, expect, it } from 'vitest';
import {
  BRANCH_POSITIONS,
  COMMITTEE_POSITIONS,
  LEADERSHIP_POSITIONS,
  cadreCheckDue,
  checkCadrePost,
  positionsFor,
} from '../../src/domain/cadres';
import { CADRE_NATURES, ORG_KINDS, type CadreNature, type OrgKind } from '../../src/domain/enums';

const EXPECTED_POSITIONS: Record<OrgKind, readonly string[]> = {
  LEADERSHIP: ['书记', '副书记', '常委', '委员', '候补委员', '工作人员'],
  COMMITTEE: ['书记', '副书记', '委员', '工作人员'],
  WORK_COMMITTEE: ['书记', '副书记', '委员', '工作人员'],
  GENERAL_BRANCH: ['书记', '副书记', '委员', '工作人员'],
  BRANCH: ['书记', '副书记', '组织委员', '宣传委员', '文体委员', '生产委员', '权益委员', '志愿委员', '其他'],
};
const ALL_POSITIONS = [...new Set([...LEADERSHIP_POSITIONS, ...COMMITTEE_POSITIONS, ...BRANCH_POSITIONS, '团长', ''])];
const NATURES: (CadreNature | null)[] = [null, ...CADRE_NATURES];

describe('positionsFor (CAD-1)', () => {
  it.each(ORG_KINDS)('CAD-1 the posts of a %s', (kind) => {
    expect(positionsFor(kind)).toEqual(EXPECTED_POSITIONS[kind]);
  });

  it('CAD-1 every committee kind has 书记, 副书记, 委员 and 工作人员', () => {
    for (const kind of ['LEADERSHIP', 'COMMITTEE', 'WORK_COMMITTEE', 'GENERAL_BRANCH'] as const) {
      for (const post of ['书记', '副书记', '委员', '工作人员']) expect(positionsFor(kind)).toContain(post);
    }
  });
});

describe('checkCadrePost (CAD-1, CAD-2)', () => {
  it('CAD-1/CAD-2 exhaustively: a post must fit the kind, and only leadership cadres carry a nature', () => {
    for (const kind of ORG_KINDS) {
      for (const position of ALL_POSITIONS) {
        for (const nature of NATURES) {
          const r = checkCadrePost(kind, position, nature);
          const expected = !EXPECTED_POSITIONS[kind].includes(position)
            ? 'CAD_1_POSITION_INVALID'
            : kind === 'LEADERSHIP' && !nature
              ? 'CAD_2_NATURE_REQUIRED'
              : kind !== 'LEADERSHIP' && nature
                ? 'CAD_2_NATURE_LEADERSHIP_ONLY'
                : null;
          expect(r.ok ? null : r.code, `${kind} ${position} ${nature}`).toBe(expected);
        }
      }
    }
  });

  it.each(CADRE_NATURES)('CAD-2 a leadership-organ cadre may be %s', (nature) => {
    expect(checkCadrePost('LEADERSHIP', '副书记', nature)).toEqual({ ok: true });
  });

  it('CAD-2 a leadership-organ cadre without a nature is refused', () => {
    expect(checkCadrePost('LEADERSHIP', '书记', null)).toMatchObject({ ok: false, code: 'CAD_2_NATURE_REQUIRED' });
    expect(checkCadrePost('LEADERSHIP', '书记', undefined)).toMatchObject({ ok: false, code: 'CAD_2_NATURE_REQUIRED' });
  });

  it('CAD-1 a post that does not fit lists the posts that do', () => {
    const r = checkCadrePost('COMMITTEE', '组织委员', null);
    expect(r).toMatchObject({ ok: false, code: 'CAD_1_POSITION_INVALID' });
    expect(r.ok ? '' : r.message).toContain('组织委员');
    expect(r.ok ? '' : r.message).toContain('书记、副书记、委员、工作人员');
  });

  it('CAD-1 the post is checked before the nature', () => {
    expect(checkCadrePost('LEADERSHIP', '组织委员', null)).toMatchObject({ code: 'CAD_1_POSITION_INVALID' });
    expect(checkCadrePost('BRANCH', '常委', 'FULL_TIME')).toMatchObject({ code: 'CAD_1_POSITION_INVALID' });
  });
});

describe('cadreCheckDue (CAD-2)', () => {
  it('CAD-2 cadre data is due by the 15th of the current month', () => {
    expect(cadreCheckDue('2024-06-03')).toBe('2024-06-15');
    expect(cadreCheckDue('2024-06-30')).toBe('2024-06-15');
    expect(cadreCheckDue('2024-12-15')).toBe('2024-12-15');
  });
});
