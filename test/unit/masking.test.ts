import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { maskDigitRuns, maskIdNumber, maskPhone } from '../../src/domain/masking';

describe('maskIdNumber (SEC-4)', () => {
  it('SEC-4 keeps only the first 3 and the last 1 characters of an ID number', () => {
    expect(maskIdNumber('110101199003074258')).toBe('110**************8');
    expect(maskIdNumber('11010519491231002X')).toBe('110**************X');
  });

  it('SEC-4 the masked ID never shows the initial password (last 8)', () => {
    const masked = maskIdNumber('110101199003074258');
    expect(masked).not.toContain('03074258');
    expect(masked).not.toContain('4258');
  });

  it('SEC-4 short values are masked entirely', () => {
    expect(maskIdNumber('')).toBe('');
    expect(maskIdNumber('1234')).toBe('****');
    expect(maskIdNumber('12345')).toBe('123*5');
  });

  it('SEC-4 never reveals more than the first 3 and the last 1 characters of any value', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (s) => {
        const m = maskIdNumber(s);
        if (m.length !== s.length) return false;
        for (let i = 0; i < m.length; i++) {
          const revealedAllowed = s.length >= 5 && (i < 3 || i === s.length - 1);
          if (m[i] !== '*' && !revealedAllowed) return false;
          if (revealedAllowed && m[i] !== s[i]) return false;
        }
        return [...m].filter((c) => c !== '*').length <= 4;
      }),
    );
  });
});

describe('maskPhone (SEC-4)', () => {
  it('SEC-4 keeps the first 3 and the last 4 digits of a phone', () => {
    expect(maskPhone('13800138000')).toBe('138****8000');
  });

  it('SEC-4 short phones are masked entirely', () => {
    expect(maskPhone('')).toBe('');
    expect(maskPhone('1234567')).toBe('*******');
    expect(maskPhone('12345678')).toBe('123*5678');
  });

  it('SEC-4 never reveals more than the first 3 and the last 4 characters', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 30 }), (s) => {
        const m = maskPhone(s);
        if (m.length !== s.length) return false;
        for (let i = 0; i < m.length; i++) {
          const revealedAllowed = s.length >= 8 && (i < 3 || i >= s.length - 4);
          if (m[i] !== '*' && !revealedAllowed) return false;
        }
        return true;
      }),
    );
  });
});

describe('maskDigitRuns (issue 7 item 4: logged URLs)', () => {
  it('masks every ID number or phone inside free text and leaves short numbers alone', () => {
    expect(maskDigitRuns('/api/members?idNumber=11010519491231002X&page=2')).toBe('/api/members?idNumber=110**************X&page=2');
    expect(maskDigitRuns('/api/x/13812345678?pageSize=100&id=42')).toBe('/api/x/138*******8?pageSize=100&id=42');
    expect(maskDigitRuns('/api/orgs/1234567890')).toBe('/api/orgs/1234567890');
  });

  it('no run of 11+ digits survives, whatever the text', () => {
    fc.assert(fc.property(fc.string({ unit: fc.constantFrom('0', '1', '9', 'X', '&', '=', '/') }), (s) => !/\d{11,}/.test(maskDigitRuns(s))));
  });
});
