/**
 * Prints the current TOTP code of a base32 secret (issue 7), like an authenticator app: for the demo
 * admins (README.md: `npm run totp -- ZHTJDEMO…`) and for trying enrollment without a phone.
 * Usage: npm run totp -- <secret> [ISO time, default now]
 */
import { TOTP_STEP_SECONDS, totpAt } from '../src/lib/totp';

const [secret, at] = process.argv.slice(2);
if (!secret) {
  console.error('用法：npm run totp -- <base32 密钥> [时间，ISO 8601，默认当前时间]');
  process.exit(2);
}
const now = at ? new Date(at) : new Date();
if (Number.isNaN(now.getTime())) {
  console.error(`无法识别的时间：${at}`);
  process.exit(2);
}
const left = TOTP_STEP_SECONDS - (Math.floor(now.getTime() / 1000) % TOTP_STEP_SECONDS);
console.log(totpAt(secret, now));
console.error(`（${left} 秒后更换）`);
