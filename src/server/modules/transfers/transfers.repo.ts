import { and, eq, inArray, isNull, or, sql } from 'drizzle-orm';
import { one, type Executor } from '../../../db/client';
import { orgs, type transferNodes, transfers } from '../../../db/schema';
import { provinceCodeOf } from '../../../domain/orgs';
import { pathIds } from '../../../domain/scope';
import { isSchoolDomain } from '../../../domain/orgs';
import type { TargetFacts } from '../../../domain/transfers';
import { inSubtree } from '../orgs/orgs.repo';

export type TransferRow = typeof transfers.$inferSelect;
export type NodeRow = typeof transferNodes.$inferSelect;
export type OrgRow = typeof orgs.$inferSelect;

/** An org with what the transfer rules need from its ancestors. */
export interface OrgContext {
  org: OrgRow;
  facts: TargetFacts;
  /** Highest school-domain committee above (or equal to) the org: "the school". */
  schoolRootId: number | null;
  schoolRootPath: string | null;
  /** The provincial leadership organ above the org. */
  provinceOrgId: number | null;
  /** Province of the nearest org (itself or above) with a region code (ORG-8, TR-7). */
  provinceCode: string | null;
}

export async function orgContext(ex: Executor, id: number): Promise<OrgContext | null> {
  const [org] = await ex.select().from(orgs).where(and(eq(orgs.id, id), isNull(orgs.deletedAt)));
  if (!org) return null;
  const ids = pathIds(org.path);
  const chain = await ex
    .select({ id: orgs.id, path: orgs.path, kind: orgs.kind, industryCategory: orgs.industryCategory, leadershipLevel: orgs.leadershipLevel, regionCode: orgs.regionCode, isTownship: orgs.isTownship, depth: orgs.depth })
    .from(orgs)
    .where(inArray(orgs.id, ids));
  chain.sort((a, b) => a.depth - b.depth);
  const school = chain.find((o) => o.kind !== 'LEADERSHIP' && isSchoolDomain(o.industryCategory));
  const province = chain.find((o) => o.leadershipLevel === 'PROVINCIAL');
  const withRegion = [...chain].reverse().find((o) => o.regionCode !== null);
  const parent = chain.find((o) => o.id === org.parentId);
  return {
    org,
    facts: {
      id: org.id,
      kind: org.kind,
      specialKind: org.specialKind,
      leadershipLevel: org.leadershipLevel,
      industryCategory: org.industryCategory,
      isTownship: org.isTownship,
      parentIsTownship: parent?.isTownship === true,
      schoolRootId: school?.id ?? null,
    },
    schoolRootId: school?.id ?? null,
    schoolRootPath: school?.path ?? null,
    provinceOrgId: province?.id ?? null,
    provinceCode: provinceCodeOf(withRegion?.regionCode ?? null),
  };
}

/** SEC-1: a transfer is visible to an admin whose subtree holds its sending branch or its target. */
export function transferVisible(scopePath: string) {
  return or(inSubtree(transfers.fromPath, scopePath), inSubtree(transfers.toPath, scopePath))!;
}

/** Open transfers from or to anything in the subtree at `path`. */
function openTouching(path: string) {
  return and(eq(transfers.status, 'OPEN'), transferVisible(path))!;
}

/** ORG-7: open transfers from or to anything in the org's subtree. */
export async function openTransferCount(ex: Executor, path: string): Promise<number> {
  const row = await one<{ n: number }>(ex, sql`SELECT count(*)::int AS n FROM transfers WHERE ${openTouching(path)}`);
  return row?.n ?? 0;
}

/**
 * Locks the open transfers from or to anything in the subtree, in id order. An org move takes them
 * before any org: an approval locks its transfer, then its branch under key share (`completeInOne`),
 * so a move that locked the subtree first and the transfers last (`moveTransferPaths`) could wait for
 * an approval that waited for it, and PostgreSQL ended one of the two after its deadlock timeout.
 */
export async function lockOpenTransfers(ex: Executor, path: string): Promise<void> {
  await ex.execute(sql`SELECT id FROM transfers WHERE ${openTouching(path)} ORDER BY id FOR UPDATE`);
}

/**
 * An org move (ORG) rewrites org and member paths; the transfers' captured paths follow in the same
 * transaction, so a transfer stays visible to the admins above its sending branch and its target.
 */
export async function moveTransferPaths(ex: Executor, oldPath: string, newPath: string): Promise<void> {
  const cut = oldPath.length + 1;
  await ex.execute(sql`UPDATE transfers
       SET from_path = CASE WHEN ${inSubtree(sql`from_path`, oldPath)} THEN ${newPath} || substr(from_path, ${cut}) ELSE from_path END,
           to_path = CASE WHEN ${inSubtree(sql`to_path`, oldPath)} THEN ${newPath} || substr(to_path, ${cut}) ELSE to_path END
     WHERE ${inSubtree(sql`from_path`, oldPath)} OR ${inSubtree(sql`to_path`, oldPath)}`);
}

export async function lockTransfer(ex: Executor, id: number): Promise<TransferRow | null> {
  const [row] = await ex.select().from(transfers).where(eq(transfers.id, id)).for('update');
  return row ?? null;
}
