import type { PiiCipher } from '../../../lib/pii';
import type { RawRow } from './engine';
import { validateRow, type Prep } from './member-rows';

/**
 * The row validators that run inside the import worker thread, by import kind (engine.ts `offThread`):
 * pure functions of the rows, the kind's prepared data and the cipher — no database, no AppContext.
 */
export const WORKER_VALIDATORS: Record<string, (prep: unknown, cipher: PiiCipher) => (row: RawRow) => unknown> = {
  MEMBERS: (prep, cipher) => (row) => validateRow(cipher, prep as Prep, row),
};
