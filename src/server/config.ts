import type { CampaignOverrides } from '../domain/campaign';
import { join, resolve } from 'node:path';
import { DEFAULT_ACCOUNT_POLICY, type AccountPolicy } from '../domain/accounts';

export interface AppConfig {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | undefined;
  /** A streaming replica for lag-tolerant reads (docs/SCALING.md). */
  databaseReplicaUrl: string | undefined;
  production: boolean;
  /** ZHTJ_TEST_API=1 enables test-only operations such as setClock; never in production. */
  testApi: boolean;
  /** Seed the demo province on first start (default outside production). */
  demoSeed: boolean;
  cookieSecure: boolean;
  policy: AccountPolicy;
  /** MLPS 8.1.4.1 a): admins must change their password after this many days (0: never). */
  adminPasswordMaxAgeDays: number;
  /** Issue 7 / MLPS 8.1.4.1 d): admins pass a TOTP second factor after the password ('off' outside production only). */
  adminMfa: 'required' | 'off';
  bodyLimitBytes: number;
  poolMax: number;
  statementTimeoutMs: number;
  /** GRAD-5: the day ('MM-DD') graduating branches become 毕业生团组织. */
  graduationConversionDay: string;
  /** TR-12 deadlines moved per year, e.g. {"2027":{"start":"07-28"}} (CAMPAIGN_DEADLINES). */
  campaignDeadlines: CampaignOverrides;
  /** List totals are exact up to this many matches, estimated (and flagged) above. */
  exactCountLimit: number;
  /** Issue 7 item 4: audit rows older than this are purged; at least 184 days (网络安全法 §21). */
  auditRetentionDays: number;
  logLevel: string;
}

function int(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer, got "${raw}"`);
  return n;
}

/** 网络安全法 §21 and MLPS 8.1.4.3 c): network logs are kept at least six months. */
export const MIN_AUDIT_RETENTION_DAYS = 184;

function auditRetentionDays(env: NodeJS.ProcessEnv): number {
  const days = int(env, 'AUDIT_RETENTION_DAYS', 365);
  if (days < MIN_AUDIT_RETENTION_DAYS) {
    throw new Error(`AUDIT_RETENTION_DAYS=${days} 不符合要求：审计日志至少保留 ${MIN_AUDIT_RETENTION_DAYS} 天（六个月，网络安全法第二十一条）。请设为 ${MIN_AUDIT_RETENTION_DAYS} 或更大的天数。`);
  }
  return days;
}

function monthDay(env: NodeJS.ProcessEnv, name: string, fallback: string): string {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/.test(raw)) throw new Error(`${name} must be MM-DD, got "${raw}"`);
  return raw;
}

function campaignOverrides(env: NodeJS.ProcessEnv): CampaignOverrides {
  const raw = env.CAMPAIGN_DEADLINES;
  if (!raw) return {};
  const parsed = JSON.parse(raw) as unknown;
  if (!parsed || typeof parsed !== 'object') throw new Error('CAMPAIGN_DEADLINES must be a JSON object by year');
  for (const [year, days] of Object.entries(parsed as Record<string, Record<string, unknown>>)) {
    if (!/^\d{4}$/.test(year)) throw new Error(`CAMPAIGN_DEADLINES: "${year}" is not a year`);
    for (const [k, v] of Object.entries(days)) {
      const ok = k === 'newBranchDays' ? Number.isInteger(v) && (v as number) > 0 : ['start', 'received', 'furtherStudy', 'enrolment'].includes(k) && typeof v === 'string' && /^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/.test(v);
      if (!ok) throw new Error(`CAMPAIGN_DEADLINES: ${year}.${k} is not valid`);
    }
  }
  return parsed as CampaignOverrides;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const production = env.NODE_ENV === 'production';
  const testApi = env.ZHTJ_TEST_API === '1';
  if (production && testApi) throw new Error('ZHTJ_TEST_API must never be enabled with NODE_ENV=production');
  const demoSeed = !production && env.DEMO_SEED !== '0';
  const adminMfa = (env.ADMIN_MFA || 'required') as string;
  if (adminMfa !== 'required' && adminMfa !== 'off') throw new Error(`ADMIN_MFA must be "required" or "off", got "${adminMfa}"`);
  if (production && adminMfa === 'off') throw new Error('ADMIN_MFA=off is refused with NODE_ENV=production: admins must use a second factor (MLPS level 3)');
  return {
    port: int(env, 'PORT', 3000),
    host: env.HOST ?? '0.0.0.0',
    dataDir: resolve(env.DATA_DIR ?? './data'),
    databaseUrl: env.DATABASE_URL || undefined,
    databaseReplicaUrl: env.DATABASE_URL ? env.DATABASE_REPLICA_URL || undefined : undefined,
    production,
    testApi,
    demoSeed,
    cookieSecure: env.COOKIE_SECURE ? env.COOKIE_SECURE === '1' : production,
    policy: {
      ...DEFAULT_ACCOUNT_POLICY,
      sessionIdleMinutes: int(env, 'SESSION_IDLE_MINUTES', DEFAULT_ACCOUNT_POLICY.sessionIdleMinutes),
      sessionAbsoluteHours: int(env, 'SESSION_ABSOLUTE_HOURS', DEFAULT_ACCOUNT_POLICY.sessionAbsoluteHours),
      initialPasswordDays: int(env, 'INITIAL_PASSWORD_DAYS', DEFAULT_ACCOUNT_POLICY.initialPasswordDays),
    },
    adminPasswordMaxAgeDays: int(env, 'ADMIN_PASSWORD_MAX_AGE_DAYS', 90),
    adminMfa,
    bodyLimitBytes: int(env, 'BODY_LIMIT_BYTES', 1024 * 1024),
    poolMax: int(env, 'PG_POOL_MAX', 10),
    statementTimeoutMs: int(env, 'STATEMENT_TIMEOUT_MS', 15_000),
    exactCountLimit: int(env, 'EXACT_COUNT_LIMIT', 10_000),
    auditRetentionDays: auditRetentionDays(env),
    graduationConversionDay: monthDay(env, 'GRADUATION_CONVERSION_DAY', '06-01'),
    campaignDeadlines: campaignOverrides(env),
    logLevel: env.LOG_LEVEL ?? (production ? 'info' : 'warn'),
  };
}

export function pgliteDir(config: AppConfig): string {
  return join(config.dataDir, 'pglite');
}

export function defaultKeyFile(config: AppConfig): string {
  return join(config.dataDir, 'secrets', 'data.key');
}
