// `npm test`: every check, in order, stopping at the first failure:
//   lint → type-check → unit → API on PGlite → API on PostgreSQL (when DATABASE_URL is set)
//   → build + browser tests (when Chromium is present; REQUIRE_E2E=1 makes its absence a failure).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const steps = [
  ['代码规范检查 (eslint)', 'npx', ['eslint', '--max-warnings', '0', '.']],
  ['类型检查 (tsc)', 'npm', ['run', '--silent', 'typecheck']],
  ['单元测试', 'npx', ['vitest', 'run', '--project', 'unit']],
  ['接口测试（PGlite）', 'npx', ['vitest', 'run', '--project', 'api'], { TEST_DB: 'pglite' }],
];
const skipped = [];
if (process.env.DATABASE_URL) {
  steps.push(['接口测试（PostgreSQL）', 'npx', ['vitest', 'run', '--project', 'api'], { TEST_DB: 'postgres' }]);
} else {
  skipped.push('接口测试（PostgreSQL）：未设置 DATABASE_URL');
}
if (existsSync(chromium)) {
  steps.push(['构建', 'npm', ['run', '--silent', 'build']]);
  steps.push(['浏览器测试', 'npx', ['vitest', 'run', '--project', 'e2e'], { CHROMIUM_PATH: chromium }]);
} else if (process.env.REQUIRE_E2E === '1') {
  console.error(`\n✗ 浏览器测试需要 Chromium（${chromium}），但未找到。安装：apt-get install -y chromium`);
  process.exit(1);
} else {
  skipped.push(`浏览器测试：未找到 Chromium（${chromium}）。安装 apt-get install -y chromium 后即可运行`);
}

const results = [];
for (const [name, cmd, args, env] of steps) {
  console.log(`\n━━ ${name} ━━`);
  const started = Date.now();
  const r = spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, ...env } });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  results.push(`${r.status === 0 ? '✓' : '✗'} ${name}（${seconds} s）`);
  if (r.status !== 0) {
    console.log(`\n${results.join('\n')}`);
    console.error(`\n✗ ${name} 失败`);
    process.exit(r.status ?? 1);
  }
}
console.log(`\n${results.join('\n')}`);
for (const s of skipped) console.log(`⚠ 已跳过 ${s}`);
console.log('\n全部通过。');
