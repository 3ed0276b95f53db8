import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { neutralizeCell } from '../../src/lib/xlsx';

describe('neutralizeCell (ST exports, SEC-4)', () => {
  it.each(['=SUM(A1:A2)', '+1234', '-2+3', '@cmd', '\t=1', '\r=1', '=', '-'])(
    'SEC-4 prefixes %j with an apostrophe so it never runs as a formula',
    (value) => {
      expect(neutralizeCell(value)).toBe(`'${value}`);
    },
  );

  it.each(['张三', '13800138000', '110**************8', 'a=b', ' =1', '', "'=already", '２０２４'])('SEC-4 leaves %j unchanged', (value) => {
    expect(neutralizeCell(value)).toBe(value);
  });

  it.each([42, -1, 0, null, undefined, true, new Date('2024-06-01T00:00:00Z')])('SEC-4 leaves the non-string %j unchanged', (value) => {
    expect(neutralizeCell(value)).toBe(value);
  });

  it('SEC-4 no neutralised string starts with a formula character', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        const out = neutralizeCell(s) as string;
        return !/^[=+\-@\t\r]/.test(out) && (out === s || out === `'${s}`);
      }),
    );
  });
});
