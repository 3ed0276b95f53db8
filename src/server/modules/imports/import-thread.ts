import { Worker } from 'node:worker_threads';
import type { CipherKeys } from '../../../lib/pii';
import { ImportFileError, type ImportColumn } from './engine';

/**
 * The main thread's side of the import worker (issue 7: validation must not block the server). The
 * workbook is parsed — and for kinds with a worker validator, checked and encrypted — in a worker
 * thread; batches come back here in file order, one at a time, and each is acknowledged only after
 * `onBatch` (the database checks and staging) is done.
 */
export interface WorkerInput {
  kind: string;
  columns: ImportColumn[];
  file: Uint8Array;
  batchSize: number;
  /** Only for kinds with a worker validator: its prepared data and the cipher's derived keys. */
  prep?: unknown;
  keys?: CipherKeys;
}

export type FromWorker =
  | { type: 'batch'; checked: boolean; rows: unknown[] }
  | { type: 'progress'; fraction: number }
  | { type: 'done'; total: number; threadId: number }
  | { type: 'fail'; fileError: boolean; message: string };

export type ToWorker = { type: 'ack' } | { type: 'stop' };

/** Under tsx/vitest this module is the TypeScript source; the build bundles it into dist/server.js beside dist/import-worker.js. */
function workerEntry(): URL {
  return import.meta.url.endsWith('.ts') ? new URL('./import-worker.dev.mjs', import.meta.url) : new URL('./import-worker.js', import.meta.url);
}

export function validateInWorker(
  input: Omit<WorkerInput, 'batchSize'> & { batchSize?: number },
  onBatch: (rows: unknown[], checked: boolean) => Promise<void>,
  onProgress: (fraction: number) => Promise<void>,
): Promise<{ total: number; threadId: number }> {
  return new Promise((resolve, reject) => {
    // A larger young generation: ExcelJS's parse makes short-lived garbage, and with the default the
    // worker spent a quarter of its time in scavenges (CPU profile, 30,000 rows).
    const worker = new Worker(workerEntry(), { workerData: { batchSize: 1000, ...input } satisfies WorkerInput, resourceLimits: { maxYoungGenerationSizeMb: 64 } });
    let settled = false;
    let queue = Promise.resolve();
    // The worker ends itself: after 'done' or 'fail' it closes its port and returns; on our own
    // failure it is told to stop. `terminate()` only as a last resort for a thread that does not
    // listen (it can abort the process when it lands inside a zlib constructor, see import-worker.ts).
    const stop = () => {
      worker.postMessage({ type: 'stop' } satisfies ToWorker);
      setTimeout(() => void worker.terminate(), 30_000).unref();
    };
    const fail = (err: unknown, fromWorker = false) => {
      if (settled) return;
      settled = true;
      if (!fromWorker) stop();
      reject(err instanceof Error ? err : new Error(String(err)));
    };
    // Messages are handled strictly in order: a batch's staging finishes before the next is looked at.
    worker.on('message', (msg: FromWorker) => {
      queue = queue
        .then(async () => {
          if (settled) return;
          if (msg.type === 'batch') {
            await onBatch(msg.rows, msg.checked);
            if (!settled) worker.postMessage({ type: 'ack' } satisfies ToWorker);
          } else if (msg.type === 'progress') {
            await onProgress(msg.fraction);
          } else if (msg.type === 'done') {
            settled = true;
            resolve({ total: msg.total, threadId: msg.threadId });
          } else {
            fail(msg.fileError ? new ImportFileError(msg.message) : new Error(`import worker: ${msg.message}`), true);
          }
        })
        .catch(fail);
    });
    worker.on('error', fail);
    // Node delivers every message the worker posted before 'exit', but their handling is queued
    // behind the staging of earlier batches: a worker that ends right after 'done' must not be
    // taken for one that died, so its exit is judged after the messages before it.
    worker.on('exit', (code) => {
      queue = queue.then(() => fail(new Error(`import worker exited (code ${code}) before finishing`)));
    });
  });
}
