// The import worker's entry under tsx and vitest: a worker thread does not inherit vitest's
// TypeScript transform, so register tsx here and load the source. The build uses dist/import-worker.js.
import { register } from 'tsx/esm/api';

register();
await import('./import-worker.ts');
