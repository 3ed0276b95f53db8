import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addMonths, ageOn, chinaDate, isDate, isYearMonth, lastDayOfMonth, yearOf } from '../../src/domain/dates';

const dayBefore = (d: string) => new Date(Date.parse(`${d}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
const dateArb = fc
  .date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date('2099-12-31T00:00:00Z'), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 10));

describe('isYearMonth / isDate / yearOf', () => {
  it('MEM-1 year-months are YYYY-MM with a real month', () => {
    for (const ok of ['2019-05', '2019-01', '2019-12', '1900-01']) expect(isYearMonth(ok), ok).toBe(true);
    for (const bad of ['2019-5', '2019-00', '2019-13', '201905', '2019-05-01', '19-05', '2019/05', ' 2019-05', '']) {
      expect(isYearMonth(bad), bad).toBe(false);
    }
  });

  it('MEM-1 dates are YYYY-MM-DD and really exist', () => {
    for (const ok of ['2024-02-29', '2000-02-29', '2023-12-31', '1900-01-01']) expect(isDate(ok), ok).toBe(true);
    for (const bad of ['2023-02-29', '1900-02-29', '2024-04-31', '2024-13-01', '2024-00-10', '2024-01-00', '2024-4-1', '2024-01-01T00:00', '']) {
      expect(isDate(bad), bad).toBe(false);
    }
  });

  it('MEM-1 the year of a date or year-month', () => {
    expect(yearOf('2019-05')).toBe(2019);
    expect(yearOf('2016-12-31')).toBe(2016);
  });
});

describe('lastDayOfMonth', () => {
  it.each([
    ['2024-02', '2024-02-29'],
    ['2023-02', '2023-02-28'],
    ['2000-02', '2000-02-29'],
    ['1900-02', '1900-02-28'],
    ['2100-02', '2100-02-28'],
    ['2024-04', '2024-04-30'],
    ['2024-12', '2024-12-31'],
    ['2024-01', '2024-01-31'],
  ])('MEM-3 the last day of %s is %s', (ym, last) => {
    expect(lastDayOfMonth(ym)).toBe(last);
  });
});

describe('ageOn', () => {
  it('MEM-3 one is N years old from the Nth birthday on, not the day before', () => {
    expect(ageOn('2006-05-31', '2019-05-30')).toBe(12);
    expect(ageOn('2006-05-31', '2019-05-31')).toBe(13);
    expect(ageOn('2006-05-31', '2019-06-01')).toBe(13);
    expect(ageOn('2006-05-31', '2006-05-31')).toBe(0);
  });

  it('MEM-3 across the year end', () => {
    expect(ageOn('2005-12-31', '2018-12-30')).toBe(12);
    expect(ageOn('2005-12-31', '2018-12-31')).toBe(13);
    expect(ageOn('2006-01-01', '2018-12-31')).toBe(12);
  });

  it('MEM-3 born on 29 February: the birthday is 29 February in leap years and 28 February otherwise', () => {
    expect(ageOn('2004-02-29', '2016-02-28')).toBe(11);
    expect(ageOn('2004-02-29', '2016-02-29')).toBe(12);
    expect(ageOn('2004-02-29', '2017-02-27')).toBe(12);
    expect(ageOn('2004-02-29', '2017-02-28')).toBe(13);
    expect(ageOn('2004-02-29', '2017-03-01')).toBe(13);
    expect(ageOn('2000-02-29', '2100-02-28')).toBe(100); // 2100 is not a leap year
  });

  it('MEM-3 born on 28 February or 1 March, leap years change nothing', () => {
    expect(ageOn('2004-02-28', '2017-02-27')).toBe(12);
    expect(ageOn('2004-02-28', '2017-02-28')).toBe(13);
    expect(ageOn('2004-03-01', '2016-02-29')).toBe(11);
    expect(ageOn('2004-03-01', '2016-03-01')).toBe(12);
  });

  it('MEM-8 one turns N exactly on the date N×12 months after birth (addMonths), and not the day before', () => {
    fc.assert(
      fc.property(dateArb, fc.integer({ min: 1, max: 100 }), (birth, n) => {
        const birthday = addMonths(birth, 12 * n);
        return ageOn(birth, birthday) === n && ageOn(birth, dayBefore(birthday)) === n - 1;
      }),
    );
  });
});

describe('addMonths', () => {
  it.each([
    ['2019-03-15', 1, '2019-04-15'],
    ['2019-01-31', 1, '2019-02-28'],
    ['2020-01-31', 1, '2020-02-29'],
    ['2019-03-31', 1, '2019-04-30'],
    ['2019-12-15', 1, '2020-01-15'],
    ['2019-01-15', 25, '2021-02-15'],
    ['2020-02-29', 12, '2021-02-28'],
    ['2020-02-29', 48, '2024-02-29'],
    ['2019-03-31', -1, '2019-02-28'],
    ['2019-01-15', -1, '2018-12-15'],
    ['2019-05-20', 0, '2019-05-20'],
  ] as const)('MEM-4 %s plus %i months is %s (clamped to the month end)', (date, n, expected) => {
    expect(addMonths(date, n)).toBe(expected);
  });

  it('MEM-4 always gives a real date in the right month', () => {
    fc.assert(
      fc.property(dateArb, fc.integer({ min: -600, max: 600 }), (date, n) => {
        const out = addMonths(date, n);
        const months = (yearOf(out) - yearOf(date)) * 12 + (Number(out.slice(5, 7)) - Number(date.slice(5, 7)));
        const day = Math.min(Number(date.slice(8)), Number(lastDayOfMonth(out.slice(0, 7)).slice(8)));
        return isDate(out) && months === n && Number(out.slice(8)) === day;
      }),
    );
  });
});

describe('chinaDate', () => {
  it('TR-5 the calendar day is taken in China Standard Time (UTC+8)', () => {
    expect(chinaDate(new Date('2024-06-01T15:59:59.999Z'))).toBe('2024-06-01');
    expect(chinaDate(new Date('2024-06-01T16:00:00.000Z'))).toBe('2024-06-02');
    expect(chinaDate(new Date('2023-12-31T16:00:00.000Z'))).toBe('2024-01-01');
    expect(chinaDate(new Date('2024-02-28T16:00:00.000Z'))).toBe('2024-02-29');
    expect(chinaDate(new Date('2024-06-01T00:00:00.000Z'))).toBe('2024-06-01');
  });
});
