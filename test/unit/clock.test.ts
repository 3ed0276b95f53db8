import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MovableClock, systemClock } from '../../src/lib/clock';

const REAL = new Date('2024-06-01T00:00:00Z');
const SET = new Date('2030-01-15T08:00:00Z');

describe('MovableClock (TR-5)', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(REAL);
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('TR-5 a new clock tells the system time', () => {
    expect(new MovableClock().now()).toEqual(REAL);
    expect(systemClock.now()).toEqual(REAL);
  });

  it('TR-5 set moves now to an instant, and time keeps running from there', () => {
    const clock = new MovableClock();
    clock.set(SET);
    expect(clock.now()).toEqual(SET);
    vi.advanceTimersByTime(5_000);
    expect(clock.now()).toEqual(new Date(SET.getTime() + 5_000));
  });

  it('TR-5 freeze stops time at an instant', () => {
    const clock = new MovableClock();
    clock.freeze(SET);
    vi.advanceTimersByTime(60_000);
    expect(clock.now()).toEqual(SET);
  });

  it('TR-5 advance moves a frozen clock and it stays frozen', () => {
    const clock = new MovableClock();
    clock.freeze(SET);
    clock.advance(15 * 86_400_000);
    expect(clock.now()).toEqual(new Date('2030-01-30T08:00:00Z'));
    vi.advanceTimersByTime(1_000);
    expect(clock.now()).toEqual(new Date('2030-01-30T08:00:00Z'));
  });

  it('TR-5 advance moves a running clock', () => {
    const clock = new MovableClock();
    clock.set(SET);
    clock.advance(10 * 86_400_000);
    expect(clock.now()).toEqual(new Date('2030-01-25T08:00:00Z'));
    vi.advanceTimersByTime(1_000);
    expect(clock.now()).toEqual(new Date('2030-01-25T08:00:01Z'));
  });

  it('TR-5 set after freeze lets time run again', () => {
    const clock = new MovableClock();
    clock.freeze(SET);
    clock.set(REAL);
    vi.advanceTimersByTime(1_000);
    expect(clock.now()).toEqual(new Date(REAL.getTime() + 1_000));
  });

  it('TR-5 the clock can be moved backwards', () => {
    const clock = new MovableClock();
    clock.set(new Date('2020-01-01T00:00:00Z'));
    expect(clock.now()).toEqual(new Date('2020-01-01T00:00:00Z'));
    clock.advance(-86_400_000);
    expect(clock.now()).toEqual(new Date('2019-12-31T00:00:00Z'));
  });

  it('TR-5 mutating a returned Date does not move the clock', () => {
    const clock = new MovableClock();
    clock.freeze(SET);
    clock.now().setUTCFullYear(1999);
    expect(clock.now()).toEqual(SET);
  });
});
