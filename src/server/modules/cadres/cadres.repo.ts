import { and, eq, isNull } from 'drizzle-orm';
import type { Tx } from '../../../db/client';
import { adminGrants, cadrePositions } from '../../../db/schema';
import { DomainError } from '../../../domain/errors';

export async function isActiveAdmin(tx: Tx, personId: number, orgId: number): Promise<boolean> {
  const [row] = await tx
    .select({ id: adminGrants.id })
    .from(adminGrants)
    .where(and(eq(adminGrants.personId, personId), eq(adminGrants.orgId, orgId), isNull(adminGrants.revokedAt)));
  return !!row;
}

export async function activePosition(tx: Tx, personId: number, orgId: number) {
  const [row] = await tx
    .select()
    .from(cadrePositions)
    .where(and(eq(cadrePositions.personId, personId), eq(cadrePositions.orgId, orgId), isNull(cadrePositions.endedAt)))
    .for('update');
  return row ?? null;
}

/**
 * CAD-1: branch cadres are entered with the member record (是否团干部 + 团内职务). This keeps the
 * cadre post of the branch in step with the record, so "is X a cadre of org Y" has one answer for
 * every kind of org (ADM-1 needs it); a changed post ends the old row (CAD-3 history).
 */
export async function syncBranchCadre(tx: Tx, personId: number, branchId: number, position: string | null, today: string, note?: string) {
  const current = await activePosition(tx, personId, branchId);
  if (current && current.position === position) return;
  if (current && !position && (await isActiveAdmin(tx, personId, branchId))) {
    // ADM-1: an admin is a cadre of the org; the grant is revoked first (as for 卸任, CAD-3).
    throw new DomainError('CAD_3_IS_ADMIN');
  }
  if (current) {
    await tx
      .update(cadrePositions)
      .set({ endedAt: today, endNote: note ?? (position ? '职务变更' : '不再担任团干部') })
      .where(eq(cadrePositions.id, current.id));
  }
  if (position) {
    await tx.insert(cadrePositions).values({ personId, orgId: branchId, position, startedAt: today, previousId: current?.id ?? null });
  }
}
