import { describe, expect, it } from 'vitest';
import { isCaseless, pickGrams, queryGrams } from '../../src/server/modules/orgs/orgs.repo';

// Org name search (drizzle/0003_org_name_grams.sql): the grams a matching name must contain.
describe('queryGrams', () => {
  it('takes adjacent pairs, so two-character Chinese searches use the index', () => {
    expect(queryGrams('西溪')).toEqual(['西溪']);
    expect(queryGrams('西溪街道')).toEqual(['西溪', '溪街', '街道']);
  });
  it('takes the character itself for a one-character search, lower-cased', () => {
    expect(queryGrams('村')).toEqual(['村']);
    expect(queryGrams('ABc')).toEqual(['ab', 'bc']);
  });
  it('leaves out pairs with whitespace or LIKE wildcards, which the check on the row covers instead', () => {
    expect(queryGrams('%')).toEqual([]);
    expect(queryGrams('西 溪')).toEqual([]);
    expect(queryGrams('a_b')).toEqual([]);
    expect(queryGrams('团委团委')).toEqual(['团委', '委团']);
  });
});

describe('pickGrams', () => {
  // Share of orgs containing each gram, as ANALYZE lists the common ones (province scale).
  const stats = new Map([
    ['演示', 0.636],
    ['示企', 0.475],
    ['企业', 0.475],
    ['中学', 0.24],
    ['团委', 0.121],
    ['学团', 0.0129],
  ]);
  it('asks the index only for the grams too rare to be listed', () => {
    expect(pickGrams(['演示', '示企', '企业', '业3'], stats)).toEqual(['业3']);
    expect(pickGrams(['西湖', '湖区', '区第', '第1', '1中', '中学'], stats)).toEqual(['西湖', '湖区', '区第', '第1', '1中']);
  });
  it('takes the least frequent one when every gram is common', () => {
    expect(pickGrams(['中学', '学团', '团委'], stats)).toEqual(['学团']);
    expect(pickGrams(['演示', '示企', '企业'], stats)).toEqual(['示企']);
  });
  it('keeps them all without statistics, and a single gram as it is', () => {
    expect(pickGrams(['中学', '学团', '团委'], null)).toEqual(['中学', '学团', '团委']);
    expect(pickGrams(['团委'], stats)).toEqual(['团委']);
    expect(pickGrams([], stats)).toEqual([]);
  });
});

describe('isCaseless', () => {
  it('is true for Chinese, digits and punctuation, which match as they are', () => {
    expect(isCaseless('演示企业3')).toBe(true);
    expect(isCaseless('高1（2）班%_')).toBe(true);
  });
  it('is false as soon as one letter has a case, which is then matched through lower()', () => {
    expect(isCaseless('bc演')).toBe(false);
    expect(isCaseless('ABC')).toBe(false);
    expect(isCaseless('Ａ团')).toBe(false);
    expect(isCaseless('ß')).toBe(false);
  });
});
