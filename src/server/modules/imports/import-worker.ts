import { parentPort, threadId, workerData } from 'node:worker_threads';
import { PiiCipher } from '../../../lib/pii';
import { ImportFileError, readRows } from './engine';
import type { FromWorker, ToWorker, WorkerInput } from './import-thread';
import { WORKER_VALIDATORS } from './worker-kinds';

/**
 * The import worker thread (dist/import-worker.js in the build): parses the workbook and, for kinds
 * with a worker validator, checks and encrypts every row, sending batches to the main thread, which
 * stages them (import-thread.ts). At most WINDOW batches are unacknowledged, so memory stays bounded
 * however fast the parser is.
 */
// Four, not two: the main thread's per-batch database work comes in bursts, and a deeper queue keeps
// the worker parsing through them (still at most 4,000 rows in flight).
const WINDOW = 4;
const input = workerData as WorkerInput;
const port = parentPort!;
const post = (msg: FromWorker) => port.postMessage(msg);

let inFlight = 0;
let wake: (() => void) | null = null;
port.on('message', (msg: ToWorker) => {
  // The main thread gave up (its staging failed): end here, between two pieces of work. Never
  // `worker.terminate()` from outside: it can stop this thread inside a zlib stream's constructor,
  // and Node then aborts the whole process at clean-up ("close before init", node_zlib.cc).
  if (msg.type === 'stop') process.exit(0);
  if (msg.type !== 'ack') return;
  inFlight--;
  wake?.();
  wake = null;
});

async function main(): Promise<void> {
  const makeValidator = WORKER_VALIDATORS[input.kind];
  const validate = makeValidator && input.keys ? makeValidator(input.prep, PiiCipher.fromWorkerKeys(input.keys)) : null;
  const total = await readRows(
    Buffer.from(input.file.buffer, input.file.byteOffset, input.file.byteLength),
    input.columns,
    async (rows) => {
      while (inFlight >= WINDOW) await new Promise<void>((resolve) => (wake = resolve));
      inFlight++;
      post({ type: 'batch', checked: validate !== null, rows: validate ? rows.map(validate) : rows });
    },
    async (fraction) => post({ type: 'progress', fraction }),
    input.batchSize,
  );
  post({ type: 'done', total, threadId });
  // Nothing more to hear: without the open port the thread ends by itself once ExcelJS has drained
  // the rest of the zip.
  port.close();
}

main().catch((err: unknown) => {
  // The message only (never workerData): the main thread maps a file error to the job's message.
  if (err instanceof ImportFileError) post({ type: 'fail', fileError: true, message: err.message });
  else post({ type: 'fail', fileError: false, message: err instanceof Error ? `${err.name}: ${err.message}\n${err.stack ?? ''}` : String(err) });
  port.close();
});
