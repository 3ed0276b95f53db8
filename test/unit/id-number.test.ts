import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PROVINCE_CODES, idCheckChar, makeIdNumber, normalizeIdNumber, validateIdNumber } from '../../src/domain/id-number';
import { isErrorCode } from '../../src/domain/errors';

/** An independent ISO 7064 MOD 11-2 implementation, so the test does not trust the code under test. */
function referenceCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * (2 ** (17 - i) % 11);
  return '10X98765432'[sum % 11]!;
}

function fail(raw: string, today?: string) {
  const r = validateIdNumber(raw, today);
  if (r.ok) throw new Error(`expected ${raw} to be refused`);
  return r;
}

function pass(raw: string, today?: string) {
  const r = validateIdNumber(raw, today);
  if (!r.ok) throw new Error(`expected ${raw} to be accepted: ${r.message}`);
  return r;
}

const provinceArb = fc.constantFrom(...Object.keys(PROVINCE_CODES));
const birthArb = fc
  .date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date('2024-12-31T00:00:00Z'), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 10));
const digitsArb = (n: number) => fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: n, maxLength: n });
const idArb = fc
  .tuple(provinceArb, digitsArb(4), birthArb, digitsArb(3))
  .map(([p, rest, birth, seq]) => ({ id: makeIdNumber(`${p}${rest}`, birth.replaceAll('-', ''), seq), birth, seq }));

describe('idCheckChar (GB 11643)', () => {
  it('MEM-2 gives X for the published example 11010519491231002X', () => {
    expect(idCheckChar('11010519491231002')).toBe('X');
    expect(referenceCheckChar('11010519491231002')).toBe('X');
  });

  it('MEM-2 gives 4 for the published example 440524188001010014', () => {
    expect(idCheckChar('44052418800101001')).toBe('4');
    expect(referenceCheckChar('44052418800101001')).toBe('4');
  });

  it('MEM-2 agrees with an independent MOD 11-2 implementation for any 17 digits', () => {
    fc.assert(fc.property(digitsArb(17), (first17) => idCheckChar(first17) === referenceCheckChar(first17)));
  });
});

describe('validateIdNumber', () => {
  it('MEM-2 accepts a valid number with an X check character and derives birth date, gender and province', () => {
    expect(pass('11010519491231002X', '2024-01-01')).toEqual({
      ok: true,
      value: '11010519491231002X',
      birthDate: '1949-12-31',
      gender: 'FEMALE', // 17th digit 2 is even
      provinceCode: '11',
    });
  });

  it('MEM-2 accepts a valid number with a digit check character', () => {
    const r = pass('110101199003074258', '2024-01-01');
    expect(r.birthDate).toBe('1990-03-07');
    expect(r.gender).toBe('MALE'); // 17th digit 5 is odd
    expect(r.provinceCode).toBe('11');
  });

  it('MEM-2 accepts a lower-case x and normalises it to X', () => {
    const r = pass('11010519491231002x');
    expect(r.value).toBe('11010519491231002X');
    expect(normalizeIdNumber(' 11010519491231002x ')).toBe('11010519491231002X');
  });

  it('MEM-2 trims surrounding spaces', () => {
    expect(pass('  110101199003074258 ').value).toBe('110101199003074258');
  });

  it('MEM-2 rejects a wrong check digit and names the expected one', () => {
    const r = fail('110101199003074259');
    expect(r.code).toBe('MEM_2_CHECK_DIGIT');
    expect(r.message).toContain('“8”');
    expect(r.message).toContain('“9”');
  });

  it('MEM-2 rejects a digit where X is expected and names X', () => {
    const r = fail('110105194912310021');
    expect(r.code).toBe('MEM_2_CHECK_DIGIT');
    expect(r.message).toContain('应为“X”');
  });

  it('MEM-2 rejects X where a digit is expected', () => {
    const r = fail('11010119900307425X');
    expect(r.code).toBe('MEM_2_CHECK_DIGIT');
    expect(r.message).toContain('应为“8”');
  });

  it('MEM-2 rejects a 15-digit old number and says it is the old format', () => {
    const r = fail('110105491231002');
    expect(r.code).toBe('MEM_2_LENGTH');
    expect(r.message).toContain('15位');
    expect(r.message).toContain('旧号码');
  });

  it.each([
    ['17 characters', '11010519900307425'],
    ['19 characters', '1101011990030742580'],
    ['empty', ''],
  ])('MEM-2 rejects %s with the actual length', (_label, raw) => {
    const r = fail(raw);
    expect(r.code).toBe('MEM_2_LENGTH');
    expect(r.message).toContain(`实际为${raw.length}位`);
    expect(r.message).not.toContain('旧号码');
  });

  it.each([
    ['a letter in the middle', '1101011990A3074258'],
    ['X before the last position', '11010119900307X258'],
    ['a letter other than X at the end', '11010119900307425Y'],
    ['a space inside', '110101 99003074258'],
    ['a full-width digit', '１10101199003074258'],
  ])('MEM-2 rejects %s as a format error', (_label, raw) => {
    expect(fail(raw).code).toBe('MEM_2_FORMAT');
  });

  it.each(['99', '00', '10', '20', '72', '83', '91'])('MEM-2 rejects the unknown province prefix %s', (prefix) => {
    const id = makeIdNumber(`${prefix}0101`, '19900307', '425');
    const r = fail(id);
    expect(r.code).toBe('MEM_2_REGION');
    expect(r.message).toContain(prefix);
  });

  it('MEM-2 accepts every listed province prefix', () => {
    for (const p of Object.keys(PROVINCE_CODES)) pass(makeIdNumber(`${p}0101`, '19900307', '425'));
  });

  it.each([
    ['29 February of a common year', '20230229'],
    ['month 13', '19901301'],
    ['month 00', '19900001'],
    ['31 April', '19900431'],
    ['day 00', '19900100'],
    ['day 32', '19900132'],
  ])('MEM-2 rejects an impossible birth date: %s', (_label, ymd) => {
    const r = fail(makeIdNumber('110101', ymd, '425'));
    expect(r.code).toBe('MEM_2_BIRTH_DATE');
    expect(r.message).toContain(ymd);
  });

  it('MEM-2 accepts 29 February of a leap year', () => {
    expect(pass(makeIdNumber('110101', '20000229', '425')).birthDate).toBe('2000-02-29');
  });

  it('MEM-2 rejects a birth year before 1900 (440524188001010014 has a correct check digit but is born 1880)', () => {
    const r = fail('440524188001010014');
    expect(r.code).toBe('MEM_2_BIRTH_DATE');
    expect(r.message).toContain('1900');
    expect(pass(makeIdNumber('440524', '19000101', '001')).birthDate).toBe('1900-01-01');
  });

  it('MEM-2 rejects a birth date after today, and accepts one on today', () => {
    const id = makeIdNumber('110101', '20240602', '425');
    const r = fail(id, '2024-06-01');
    expect(r.code).toBe('MEM_2_BIRTH_DATE');
    expect(r.message).toContain('2024-06-02');
    expect(pass(id, '2024-06-02').birthDate).toBe('2024-06-02');
    // without a today the future is not checked
    expect(pass(id).birthDate).toBe('2024-06-02');
  });

  it('MEM-2 derives the gender from the parity of the 17th digit', () => {
    for (const d of '0123456789') {
      const r = pass(makeIdNumber('110101', '19900307', `42${d}`));
      expect(r.gender).toBe(Number(d) % 2 === 1 ? 'MALE' : 'FEMALE');
    }
  });

  it('MEM-2 issue codes are all in the error catalog', () => {
    for (const raw of ['1', '1101011990A3074258', makeIdNumber('990101', '19900307', '425'), makeIdNumber('110101', '19901301', '425'), '110101199003074259']) {
      const r = fail(raw);
      expect(isErrorCode(r.code)).toBe(true);
    }
  });

  it('MEM-2 every makeIdNumber output validates, with the birth date and gender it was built from', () => {
    fc.assert(
      fc.property(idArb, ({ id, birth, seq }) => {
        const r = validateIdNumber(id, '2025-01-01');
        return r.ok && r.birthDate === birth && r.gender === (Number(seq[2]) % 2 === 1 ? 'MALE' : 'FEMALE');
      }),
    );
  });

  it('MEM-2 changing any one of the first 17 digits of a valid number breaks it', () => {
    fc.assert(
      fc.property(idArb, fc.integer({ min: 0, max: 16 }), fc.integer({ min: 1, max: 9 }), ({ id }, pos, delta) => {
        const digit = (Number(id[pos]) + delta) % 10;
        const changed = `${id.slice(0, pos)}${digit}${id.slice(pos + 1)}`;
        return !validateIdNumber(changed).ok;
      }),
    );
  });

  it('MEM-2 a lower-case x validates exactly like the upper-case one', () => {
    fc.assert(
      fc.property(idArb, ({ id }) => {
        const lower = id.toLowerCase();
        return JSON.stringify(validateIdNumber(lower)) === JSON.stringify(validateIdNumber(id));
      }),
    );
  });
});
