import { sql, type SQL } from 'drizzle-orm';
import { auditLog } from '../db/schema';
import type { Executor } from '../db/client';
import { DomainError } from '../domain/errors';
import type { Actor, AdminActor, AppContext } from './context';

export type AuditChanges = Record<string, { before: unknown; after: unknown }>;

export interface AuditEntry {
  action: string;
  result: 'OK' | 'DENIED' | 'FAILED';
  objectType?: string;
  objectId?: string | number;
  objectLabel?: string;
  /** Path of the org the object belongs to: the log is browsed by subtree. */
  orgPath?: string | null;
  /**
   * A second subtree that sees the row, when the change concerns two (a transfer's start, cancellation
   * or completion). Stored only when it differs from `orgPath`.
   */
  alsoOrgPath?: string | null;
  changes?: AuditChanges;
  reason?: string;
}

/**
 * SEC-3: one audit row, written with the executor of the change itself so both commit or neither
 * does. Never pass a full ID number, phone or password here: callers log masked values.
 */
export async function writeAudit(
  ex: Executor,
  ctx: Pick<AppContext, 'clock'>,
  actor: (Partial<Actor> & { actingOrgId?: number | null }) | null,
  entry: AuditEntry,
): Promise<void> {
  await ex.insert(auditLog).values({
    at: ctx.clock.now(),
    actorPersonId: actor?.personId ?? null,
    actorName: actor?.name ?? null,
    actingOrgId: actor?.actingOrgId ?? null,
    action: entry.action,
    objectType: entry.objectType ?? null,
    objectId: entry.objectId === undefined ? null : String(entry.objectId),
    objectLabel: entry.objectLabel ?? null,
    orgPath: entry.orgPath ?? null,
    alsoOrgPath: entry.alsoOrgPath && entry.alsoOrgPath !== entry.orgPath ? entry.alsoOrgPath : null,
    changes: entry.changes ?? null,
    result: entry.result,
    reason: entry.reason ?? null,
    ip: actor?.ip ?? null,
    requestId: actor?.requestId ?? null,
  });
}

/** Who an audit row names when it is written in bulk or inside a statement (null: the system). */
export type AuditWho = { personId?: number; name?: string; actingOrgId?: number | null; ip?: string; requestId?: string } | null;

/** Audit columns of one actor at one time, as writeAudit writes them. */
export function auditActorColumns(at: Date, who: AuditWho): SQL {
  return sql`${at.toISOString()}::timestamptz, ${who?.personId ?? null}::int, ${who?.name ?? null}::text, ${who?.actingOrgId ?? null}::int, ${who?.ip ?? null}::text, ${who?.requestId ?? null}::text`;
}

export const AUDIT_COLUMNS = sql.raw('at, actor_person_id, actor_name, acting_org_id, ip, request_id, action, object_type, object_id, object_label, org_path, changes, result, reason');

/** The fields whose values differ, as before/after pairs (for the audit log). */
export function diffFields<T extends Record<string, unknown>>(before: T, after: Partial<T>): AuditChanges {
  const changes: AuditChanges = {};
  for (const key of Object.keys(after)) {
    const b = before[key] ?? null;
    const a = after[key] ?? null;
    if (JSON.stringify(b) !== JSON.stringify(a)) changes[key] = { before: b, after: a };
  }
  return changes;
}

/** The audit actor of an admin: the person and the org they act for. */
export function adminAuditActor(actor: AdminActor) {
  return { ...actor, actingOrgId: actor.scope.orgId };
}

/**
 * SEC-1/SEC-3: an object outside the actor's scope is treated exactly like a missing one; when it does
 * exist elsewhere, the attempt is logged under the acting org (whose superiors then see it). Call it
 * outside any transaction: the row must survive, and PGlite's one connection would wait forever.
 */
export async function auditOutOfScope(
  ctx: Pick<AppContext, 'db' | 'clock'>,
  actor: AdminActor,
  objectType: string,
  id: number,
  exists: () => Promise<boolean>,
): Promise<void> {
  if (await exists()) {
    await writeAudit(ctx.db, ctx, adminAuditActor(actor), { action: 'ACCESS_DENIED', result: 'DENIED', objectType, objectId: id, orgPath: actor.scope.path, reason: 'OUT_OF_SCOPE' });
  }
}

/** `auditOutOfScope`, then the 404 every missing object gets. */
export async function refuseOutOfScope(
  ctx: Pick<AppContext, 'db' | 'clock'>,
  actor: AdminActor,
  objectType: string,
  id: number,
  exists: () => Promise<boolean>,
): Promise<never> {
  await auditOutOfScope(ctx, actor, objectType, id, exists);
  throw new DomainError('NOT_FOUND');
}
