// Builds what `npm start` serves: the web app (Vite) into web/dist and the server (esbuild) into
// dist/server.js, plus the import worker thread's own entry, dist/import-worker.js (the server starts it
// by that name, next to itself). Dependencies stay external: they are installed next to them.
import { build } from 'esbuild';
import { build as viteBuild } from 'vite';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const root = fileURLToPath(new URL('..', import.meta.url));
const started = Date.now();
await viteBuild({ root: `${root}web`, configFile: `${root}web/vite.config.ts`, logLevel: 'warn' });
// Brotli and gzip copies beside each text asset: the server sends them as they are (preCompressed), so a
// phone downloads a third of the bytes without the server compressing on every request.
for (const entry of readdirSync(`${root}web/dist`, { recursive: true, withFileTypes: true })) {
  if (!entry.isFile() || !/\.(js|css|html|svg|json)$/.test(entry.name)) continue;
  const file = join(entry.parentPath, entry.name);
  const data = readFileSync(file);
  if (data.length < 1024) continue;
  writeFileSync(`${file}.br`, brotliCompressSync(data, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }));
  writeFileSync(`${file}.gz`, gzipSync(data, { level: 9 }));
}
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
