import type { FastifyBaseLogger } from 'fastify';
import type { AppContext } from '../server/context';
import { withJobLock } from './lock';
import { purgeExpiredSessions } from './purge-sessions';
import { convertGraduatingBranches } from '../server/modules/graduation/graduation.service';
import { purgeImports, recoverInterruptedImports } from './purge-imports';
import { sweepTransferDeadlines } from './transfer-deadlines';
import { foldRollupDeltas } from './fold-rollups';
import { purgeAudit, sealAudit } from '../server/audit-chain';

/**
 * Timers are data, not setTimeouts per item: each job is an idempotent sweep over rows whose due time
 * has passed, run every few minutes by whichever process holds the job's advisory lock.
 */
export interface Job {
  name: string;
  lockKey: number;
  intervalMs: number;
  run(ctx: AppContext): Promise<void>;
}

export const JOBS: Job[] = [
  { name: 'purge-sessions', lockKey: 7_240_101, intervalMs: 15 * 60_000, run: purgeExpiredSessions },
  // GRAD-5: hourly, so the conversion happens early on the conversion day and a restarted server catches up.
  { name: 'graduation-conversion', lockKey: 7_240_102, intervalMs: 60 * 60_000, run: async (ctx) => void (await convertGraduatingBranches(ctx)) },
  { name: 'purge-imports', lockKey: 7_240_103, intervalMs: 10 * 60_000, run: purgeImports },
  // Issue 7/7: an import whose process died mid-commit returns to 已校验 (at start-up, then every 10 s
  // until the dead connection's transaction is gone).
  { name: 'recover-imports', lockKey: 7_240_117, intervalMs: 10_000, run: async (ctx) => void (await recoverInterruptedImports(ctx)) },
  // Supervision rollups: member writes append deltas; this folds them so the view stays small.
  { name: 'fold-rollups', lockKey: 7_240_105, intervalMs: 5_000, run: foldRollupDeltas },
  // Issue 7 item 4: chain the committed audit rows (writers never wait on the chain: no lock, see audit-chain.ts).
  { name: 'seal-audit', lockKey: 7_240_106, intervalMs: 10_000, run: async (ctx) => void (await sealAudit(ctx)) },
  { name: 'purge-audit', lockKey: 7_240_107, intervalMs: 60 * 60_000, run: async (ctx) => void (await purgeAudit(ctx)) },
  // TR-5: reminders from day 10, automatic approval on day 15.
  {
    name: 'transfer-deadlines',
    lockKey: 7_240_104,
    intervalMs: 5 * 60_000,
    run: async (ctx) => {
      await sweepTransferDeadlines(ctx);
    },
  },
];

export function startScheduler(ctx: AppContext, log: FastifyBaseLogger, jobs: Job[] = JOBS): { stop(): Promise<void> } {
  const timers: NodeJS.Timeout[] = [];
  // Runs in flight, so that stopping waits for them before the caller closes the database pool.
  const inFlight = new Set<Promise<void>>();
  let stopped = false;
  for (const job of jobs) {
    let running = false;
    const tick = async () => {
      if (running || stopped) return;
      running = true;
      try {
        await withJobLock(ctx, job.lockKey, () => job.run(ctx));
      } catch (err) {
        log.error({ err, job: job.name }, 'scheduled job failed');
      } finally {
        running = false;
      }
    };
    const start = () => {
      const run = tick();
      inFlight.add(run);
      void run.finally(() => inFlight.delete(run));
    };
    const timer = setInterval(start, job.intervalMs);
    timer.unref();
    timers.push(timer);
    start();
  }
  return {
    stop: async () => {
      stopped = true;
      timers.forEach(clearInterval);
      await Promise.all(inFlight);
    },
  };
}
