import { describe, expect, it } from 'vitest';
import { addMonths, campaignDeadlines, checkMobilePlacement, isDestinationComplete, isGraduateForDestination, isOverdue, overdueFrom } from '../../src/domain/campaign';
import { loadConfig } from '../../src/server/config';

describe('TR-12 campaign deadlines', () => {
  it('defaults: 7月25日, 9月20日, 10月15日, new-student branches a month after 9月1日', () => {
    expect(campaignDeadlines(2026)).toEqual({ year: 2026, start: '2026-07-25', received: '2026-09-20', furtherStudy: '2026-10-15', enrolment: '2026-09-01', newBranchesBy: '2026-10-01' });
  });

  it('configurable per year: one year moved, the others keep the defaults', () => {
    const overrides = { '2027': { start: '07-28', newBranchDays: 45 } };
    expect(campaignDeadlines(2027, overrides)).toMatchObject({ start: '2027-07-28', received: '2027-09-20', newBranchesBy: '2027-10-16' });
    expect(campaignDeadlines(2028, overrides).start).toBe('2028-07-25');
  });

  it('CAMPAIGN_DEADLINES is read from the environment and checked', () => {
    expect(loadConfig({ CAMPAIGN_DEADLINES: '{"2027":{"received":"09-30"}}' }).campaignDeadlines).toEqual({ '2027': { received: '09-30' } });
    expect(() => loadConfig({ CAMPAIGN_DEADLINES: '{"2027":{"received":"9-30"}}' })).toThrow(/received/);
    expect(() => loadConfig({ CAMPAIGN_DEADLINES: '{"next":{}}' })).toThrow(/year/);
  });
});

describe('TR-10 / TR-11 limits', () => {
  it('TR-10 placement only after the start deadline (the day itself is still in time)', () => {
    const d = campaignDeadlines(2026);
    expect(checkMobilePlacement('2026-07-25', d)).toMatchObject({ ok: false, code: 'TR_10_TOO_EARLY' });
    expect(checkMobilePlacement('2026-07-26', d).ok).toBe(true);
  });

  it('six months and one year, month ends clamped', () => {
    expect(addMonths('2026-08-31', 6)).toBe('2027-02-28');
    expect(overdueFrom('2026-07-26', 6)).toBe('2027-01-27');
    expect(isOverdue('2026-07-26', 6, '2027-01-26')).toBe(false);
    expect(isOverdue('2026-07-26', 6, '2027-01-27')).toBe(true);
    expect(isOverdue('2026-03-02', 12, '2027-03-02')).toBe(false);
    expect(isOverdue('2026-03-02', 12, '2027-03-03')).toBe(true);
  });
});

describe('MEM-7 destinations', () => {
  it('graduates carry a destination, teachers and ordinary members do not', () => {
    const graduating = { category: 'NORMAL', graduationAt: '2026-06' };
    const normal = { category: 'NORMAL', graduationAt: null };
    expect(isGraduateForDestination({ graduateStatus: null }, graduating)).toBe(true);
    expect(isGraduateForDestination({ graduateStatus: 'GRADUATE' }, normal)).toBe(true);
    expect(isGraduateForDestination({ graduateStatus: 'TEACHER' }, { category: 'GRADUATE', graduationAt: '2026-06' })).toBe(false);
    expect(isGraduateForDestination({ graduateStatus: null }, normal)).toBe(false);
  });

  it('complete = unit, address and township', () => {
    expect(isDestinationComplete({ destinationUnit: 'A', destinationAddress: 'B', destinationRegionCode: '330106004' })).toBe(true);
    expect(isDestinationComplete({ destinationUnit: 'A', destinationAddress: null, destinationRegionCode: '330106004' })).toBe(false);
  });
});
