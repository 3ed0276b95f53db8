import { describe, expect, it } from 'vitest';
import { queryGrams } from '../../src/server/modules/orgs/orgs.repo';

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
  it('leaves out pairs with whitespace or LIKE wildcards, which ILIKE checks instead', () => {
    expect(queryGrams('%')).toEqual([]);
    expect(queryGrams('西 溪')).toEqual([]);
    expect(queryGrams('a_b')).toEqual([]);
    expect(queryGrams('团委团委')).toEqual(['团委', '委团']);
  });
});
