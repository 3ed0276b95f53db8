/**
 * The one clock for every time rule (15-day approvals, 6月1日 conversion, session expiry).
 * Production uses the system time; tests and the ZHTJ_TEST_API `setClock` operation move it.
 */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock that can be set to any instant; time keeps running from there unless frozen. */
export class MovableClock implements Clock {
  private offsetMs = 0;
  private frozenAt: number | null = null;

  now(): Date {
    return new Date(this.frozenAt ?? Date.now() + this.offsetMs);
  }

  /** Moves "now" to `instant`; time continues to run from there. */
  set(instant: Date): void {
    this.frozenAt = null;
    this.offsetMs = instant.getTime() - Date.now();
  }

  /** Stops time at `instant` (tests that compare exact timestamps). */
  freeze(instant: Date): void {
    this.frozenAt = instant.getTime();
  }

  advance(ms: number): void {
    if (this.frozenAt !== null) this.frozenAt += ms;
    else this.offsetMs += ms;
  }
}
