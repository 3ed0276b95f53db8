import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { childPath, depthOf, isWithin, parentIdOf, pathIds, rootPath, subtreeRange } from '../../src/domain/scope';

/** "C" collation: compare the UTF-8 bytes. */
function byteLess(a: string, b: string): boolean {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8')) < 0;
}
function inRange(path: string, range: { lo: string; hi: string }): boolean {
  return !byteLess(path, range.lo) && byteLess(path, range.hi);
}

const toPath = (ids: number[]) => `/${ids.join('/')}/`;
// small ids so that prefixes like 2 / 23 / 20 collide often
const idsArb = fc.array(fc.integer({ min: 0, max: 40 }), { minLength: 1, maxLength: 5 });

describe('org paths (SEC-1)', () => {
  it('SEC-1 builds root and child paths', () => {
    expect(rootPath(1)).toBe('/1/');
    expect(childPath('/1/', 23)).toBe('/1/23/');
    expect(childPath('/1/23/', 456)).toBe('/1/23/456/');
  });

  it('SEC-1 the subtree of /1/2/ is the key range [/1/2/, /1/20)', () => {
    expect(subtreeRange('/1/2/')).toEqual({ lo: '/1/2/', hi: '/1/20' });
  });

  it("SEC-1 '/1/23/' and '/1/20/' are not in the subtree of '/1/2/' (prefix trap)", () => {
    const r = subtreeRange('/1/2/');
    expect(inRange('/1/23/', r)).toBe(false);
    expect(inRange('/1/20/', r)).toBe(false);
    expect(isWithin('/1/23/', '/1/2/')).toBe(false);
    expect(isWithin('/1/20/', '/1/2/')).toBe(false);
  });

  it('SEC-1 the subtree contains the org itself and every descendant, never its parent', () => {
    const r = subtreeRange('/1/2/');
    for (const p of ['/1/2/', '/1/2/7/', '/1/2/7/99/', '/1/2/0/']) {
      expect(inRange(p, r), p).toBe(true);
      expect(isWithin(p, '/1/2/'), p).toBe(true);
    }
    for (const p of ['/1/', '/1/3/', '/12/', '/2/', '/1/1/2/']) {
      expect(inRange(p, r), p).toBe(false);
      expect(isWithin(p, '/1/2/'), p).toBe(false);
    }
  });

  it('SEC-1 isWithin agrees with the byte-order key range for any two paths', () => {
    const pair = fc.oneof(
      fc.tuple(idsArb, idsArb),
      // scope is a prefix of the path: the interesting case
      fc.tuple(idsArb, fc.integer({ min: 1, max: 5 })).map(([ids, n]) => [ids, ids.slice(0, n)] as const),
    );
    fc.assert(
      fc.property(pair, ([pIds, sIds]) => {
        const p = toPath(pIds);
        const s = toPath(sIds);
        const { lo, hi } = subtreeRange(s);
        return isWithin(p, s) === (!byteLess(p, lo) && byteLess(p, hi));
      }),
    );
  });

  it('SEC-1 a path is within a scope exactly when the scope ids are a prefix of its ids', () => {
    fc.assert(
      fc.property(idsArb, idsArb, (pIds, sIds) => {
        const prefix = sIds.length <= pIds.length && sIds.every((id, i) => pIds[i] === id);
        return isWithin(toPath(pIds), toPath(sIds)) === prefix;
      }),
    );
  });

  it('SEC-1 a child path lies inside its parent subtree and decodes back', () => {
    fc.assert(
      fc.property(idsArb, fc.integer({ min: 0, max: 2 ** 31 - 1 }), (ids, id) => {
        const parent = toPath(ids);
        const c = childPath(parent, id);
        return (
          isWithin(c, parent) &&
          inRange(c, subtreeRange(parent)) &&
          JSON.stringify(pathIds(c)) === JSON.stringify([...ids, id]) &&
          parentIdOf(c) === ids[ids.length - 1] &&
          depthOf(c) === ids.length
        );
      }),
    );
  });

  it('SEC-1 decodes ids, depth and parent', () => {
    expect(pathIds('/1/23/456/')).toEqual([1, 23, 456]);
    expect(depthOf('/1/')).toBe(0);
    expect(depthOf('/1/23/456/')).toBe(2);
    expect(parentIdOf('/1/')).toBeNull();
    expect(parentIdOf('/1/23/')).toBe(1);
    expect(parentIdOf('/1/23/456/')).toBe(23);
  });

  it.each(['', '/', '//', '1/2/', '/1/2', '/1//2/', '/a/', '/1/2/x/', '/-1/', '/1.5/', ' /1/', '/1/ '])(
    'SEC-1 refuses the malformed path %j',
    (bad) => {
      expect(() => subtreeRange(bad)).toThrow(/not an org path/);
      expect(() => pathIds(bad)).toThrow(/not an org path/);
      expect(() => depthOf(bad)).toThrow(/not an org path/);
      expect(() => parentIdOf(bad)).toThrow(/not an org path/);
      expect(() => childPath(bad, 1)).toThrow(/not an org path/);
    },
  );
});
