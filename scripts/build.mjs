// Builds what `npm start` serves: the web app (Vite) into web/dist and the server (esbuild) into
// dist/server.js. Dependencies stay external: they are installed next to it.
import { build } from 'esbuild';
import { build as viteBuild } from 'vite';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const started = Date.now();
await viteBuild({ root: `${root}web`, configFile: `${root}web/vite.config.ts`, logLevel: 'warn' });
await build({
  entryPoints: [`${root}src/server/main.ts`],
  outfile: `${root}dist/server.js`,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  sourcemap: true,
  logLevel: 'warning',
});
console.log(`构建完成（${Date.now() - started} ms）`);
