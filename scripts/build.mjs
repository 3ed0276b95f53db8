// Builds what `npm start` serves: the web app (Vite) into web/dist and the server (esbuild) into
// dist/server.js, plus the import worker thread's own entry, dist/import-worker.js (the server starts it
// by that name, next to itself). Dependencies stay external: they are installed next to them.
import { build } from 'esbuild';
import { build as viteBuild } from 'vite';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const started = Date.now();
await viteBuild({ root: `${root}web`, configFile: `${root}web/vite.config.ts`, logLevel: 'warn' });
const server = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  sourcemap: true,
  logLevel: 'warning',
};
await build({ ...server, entryPoints: [`${root}src/server/main.ts`], outfile: `${root}dist/server.js` });
await build({ ...server, entryPoints: [`${root}src/server/modules/imports/import-worker.ts`], outfile: `${root}dist/import-worker.js` });
console.log(`构建完成（${Date.now() - started} ms）`);
