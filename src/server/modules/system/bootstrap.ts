import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { and, asc, eq, gt, isNull, sql } from 'drizzle-orm';
import { BootstrapRequest, BootstrapResponse, BootstrapStatus } from '../../../contracts/auth';
import { ErrorResponse } from '../../../contracts/common';
import { accounts, adminGrants, bootstrapTokens, cadrePositions, orgs } from '../../../db/schema';
import type { Executor } from '../../../db/client';
import { checkPasswordPolicy } from '../../../domain/accounts';
import { chinaDate } from '../../../domain/dates';
import { DomainError } from '../../../domain/errors';
import { rootPath } from '../../../domain/scope';
import { hashPassword } from '../../../lib/passwords';
import { writeAudit } from '../../audit';
import type { AppContext } from '../../context';
import type { ZApp } from '../../http/types';
import { findPersonByIdNumber, insertPerson, personConflict, validIdNumberOrThrow } from '../people/persons';

/**
 * No default superadmin (issue 7): while the database holds no admin grant at all, start-up creates a
 * one-time token, stores only its SHA-256, and writes the token to DATA_DIR/secrets/bootstrap-token
 * (0600) for whoever operates the server; POST /api/bootstrap spends it once to create the first
 * back-end admin at the root org. Their first login then enrolls the second factor.
 */
export const BOOTSTRAP_TOKEN_HOURS = 24;

export function bootstrapTokenFile(dataDir: string): string {
  return join(dataDir, 'secrets', 'bootstrap-token');
}

const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');

async function anyAdmin(ex: Executor): Promise<boolean> {
  const [row] = await ex.select({ id: adminGrants.id }).from(adminGrants).where(isNull(adminGrants.revokedAt)).limit(1);
  return !!row;
}

/**
 * At start-up: when there is no admin, a fresh token (older unused ones are withdrawn: only the newest
 * file is valid). Answers the file's path, or null when an admin exists. Never logs the token.
 */
export async function prepareBootstrapToken(ctx: AppContext, file = bootstrapTokenFile(ctx.config.dataDir)): Promise<string | null> {
  if (await anyAdmin(ctx.db)) return null;
  const token = randomBytes(32).toString('base64url');
  const now = ctx.clock.now();
  await ctx.db.transaction(async (tx) => {
    await tx.update(bootstrapTokens).set({ expiresAt: now }).where(and(isNull(bootstrapTokens.usedAt), gt(bootstrapTokens.expiresAt, now)));
    await tx.insert(bootstrapTokens).values({ tokenHash: sha256(token), createdAt: now, expiresAt: new Date(now.getTime() + BOOTSTRAP_TOKEN_HOURS * 3_600_000) });
  });
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  writeFileSync(file, `${token}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return file;
}

export async function bootstrapOpen(ctx: AppContext): Promise<boolean> {
  if (await anyAdmin(ctx.db)) return false;
  const [t] = await ctx.db
    .select({ id: bootstrapTokens.id })
    .from(bootstrapTokens)
    .where(and(isNull(bootstrapTokens.usedAt), gt(bootstrapTokens.expiresAt, ctx.clock.now())))
    .limit(1);
  return !!t;
}

/**
 * The root org: the existing tree's root, or — on an empty database — 团中央 (ORG-1: the national
 * 领导机关团委 heads the tree; ORG-9 names; the back end works at 团中央 level, SPEC "Who uses it").
 */
async function rootOrg(ex: Executor, ctx: AppContext) {
  const [root] = await ex.select().from(orgs).where(and(isNull(orgs.parentId), isNull(orgs.deletedAt))).orderBy(asc(orgs.id)).limit(1);
  if (root) return { org: root, created: false };
  const res = (await ex.execute(sql`SELECT nextval(pg_get_serial_sequence('orgs', 'id'))::int AS id`)) as unknown as { rows: { id: number }[] };
  const id = res.rows[0]!.id;
  const now = ctx.clock.now();
  const [org] = await ex
    .insert(orgs)
    .values({
      id,
      parentId: null,
      path: rootPath(id),
      depth: 0,
      name: '团中央',
      fullName: '中国共产主义青年团中央委员会',
      kind: 'LEADERSHIP',
      leadershipLevel: 'NATIONAL',
      industryCategory: 'GOVERNMENT',
      regionCode: null,
      isTownship: false,
      category: 'NORMAL',
      createdAt: now,
      updatedAt: now,
    })
    .returning();
  return { org: org!, created: true };
}

export async function bootstrapFirstAdmin(ctx: AppContext, input: BootstrapRequest, from: { ip: string; requestId: string }) {
  const now = ctx.clock.now();
  const id = validIdNumberOrThrow(input.idNumber, chinaDate(now));
  const problems = checkPasswordPolicy(input.password, { idNumber: id.value, birthDate: id.birthDate, phone: input.phone ?? null });
  if (problems.length > 0) throw new DomainError('PASSWORD_POLICY', problems.map((p) => p.message).join('；'), problems.map((p) => ({ ...p, field: 'password' })));
  const passwordHash = await hashPassword(input.password);
  const presented = Buffer.from(sha256(input.token), 'hex');
  try {
    return await ctx.db.transaction(async (tx) => {
      // Serialises concurrent attempts: the token is spent exactly once.
      const open = await tx
        .select()
        .from(bootstrapTokens)
        .where(and(isNull(bootstrapTokens.usedAt), gt(bootstrapTokens.expiresAt, now)))
        .for('update');
      const match = open.find((t) => timingSafeEqual(Buffer.from(t.tokenHash, 'hex'), presented));
      if (!match || (await anyAdmin(tx))) throw new DomainError('BOOTSTRAP_TOKEN_INVALID');
      await tx.update(bootstrapTokens).set({ usedAt: now }).where(eq(bootstrapTokens.id, match.id));
      const { org, created } = await rootOrg(tx, ctx);
      if (await findPersonByIdNumber(tx, ctx.cipher, id.value, true)) throw new DomainError('MEM_2_ID_NUMBER_TAKEN');
      const person = await insertPerson(tx, ctx, { name: input.name, idNumber: id.value, birthDate: id.birthDate, gender: id.gender, phone: input.phone ?? null });
      await tx.insert(accounts).values({ personId: person.id, passwordHash, mustChangePassword: false, issuedAt: now, passwordChangedAt: now });
      // ADM-1: an admin is a cadre of the org they administer.
      await tx.insert(cadrePositions).values({ personId: person.id, orgId: org.id, position: '系统管理员', nature: 'FULL_TIME', startedAt: chinaDate(now) });
      await tx.insert(adminGrants).values({ personId: person.id, orgId: org.id, grantedAt: now });
      await writeAudit(tx, ctx, { personId: person.id, name: person.name, ...from }, {
        action: 'BOOTSTRAP_ADMIN',
        result: 'OK',
        objectType: 'person',
        objectId: person.id,
        objectLabel: `${person.name}（${person.idNumberMasked}）任${org.name}管理员${created ? '；新建根组织' : ''}`,
        orgPath: org.path,
      });
      return { personId: person.id, orgId: org.id, orgName: org.name };
    });
  } catch (err) {
    if (err instanceof DomainError && err.code === 'BOOTSTRAP_TOKEN_INVALID') {
      await writeAudit(ctx.db, ctx, from, { action: 'BOOTSTRAP_ADMIN', result: 'DENIED', reason: 'TOKEN_INVALID' });
    }
    throw personConflict(err) ?? err;
  }
}

export function registerBootstrapRoutes(app: ZApp, ctx: AppContext): void {
  app.get('/api/bootstrap', {
    config: { access: 'public' },
    schema: { operationId: 'getBootstrapStatus', tags: ['系统'], summary: '系统是否等待创建第一位管理员', response: { 200: BootstrapStatus } },
    handler: async () => ({ open: await bootstrapOpen(ctx) }),
  });

  app.post('/api/bootstrap', {
    config: { access: 'public' },
    schema: {
      operationId: 'bootstrapFirstAdmin',
      tags: ['系统'],
      summary: '用一次性初始化令牌创建第一位后台管理员（根组织）',
      body: BootstrapRequest,
      response: { 201: BootstrapResponse, 400: ErrorResponse, 403: ErrorResponse, 409: ErrorResponse },
    },
    handler: async (req, reply) => reply.code(201).send(await bootstrapFirstAdmin(ctx, req.body, { ip: req.ip, requestId: req.id })),
  });
}
