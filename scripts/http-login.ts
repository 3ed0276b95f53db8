// Logs a benchmark or load-test client in over HTTP, passing the admin second factor with the
// generator's published TOTP secret (generated databases only). Shared by bench.ts and load.ts.
import { TOTP_STEP_SECONDS, TOTP_WINDOW, totpForStep, totpStep } from '../src/lib/totp';
import { BENCH_TOTP_SECRET } from '../src/seed/generate';

export interface HttpSession {
  cookie: string;
  csrf: string;
  orgId: number | null;
}

// A used step is never accepted again (RFC 6238 §5.2), so a second login of one admin takes the next.
const lastStep = new Map<string, number>();

async function nextCode(username: string): Promise<string> {
  for (;;) {
    const now = totpStep(new Date());
    const step = Math.max(now, (lastStep.get(username) ?? -1) + 1);
    if (step <= now + TOTP_WINDOW) {
      lastStep.set(username, step);
      return totpForStep(BENCH_TOTP_SECRET, step);
    }
    await new Promise((r) => setTimeout(r, (TOTP_STEP_SECONDS * 1000) / 3));
  }
}

export async function httpLogin(base: string, username: string, password: string): Promise<HttpSession> {
  const r = await fetch(`${base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });
  if (!r.ok) throw new Error(`登录失败 ${username.slice(0, 6)}…: ${r.status} ${await r.text()}`);
  let body = (await r.json()) as { csrfToken: string; mfa?: 'REQUIRED' | 'ENROLL' | null; roles?: { orgId: number }[] };
  const cookie = r.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  if (body.mfa === 'ENROLL') throw new Error(`${username.slice(0, 6)}… 尚未绑定身份验证器：请用 npm run gen 重新生成数据库`);
  if (body.mfa === 'REQUIRED') {
    const v = await fetch(`${base}/api/auth/mfa/verify`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie, 'x-csrf-token': body.csrfToken },
      body: JSON.stringify({ code: await nextCode(username) }),
    });
    if (!v.ok) throw new Error(`二次验证失败 ${username.slice(0, 6)}…: ${v.status} ${await v.text()}`);
    body = { ...body, ...((await v.json()) as typeof body) };
  }
  return { cookie, csrf: body.csrfToken, orgId: body.roles?.[0]?.orgId ?? null };
}
