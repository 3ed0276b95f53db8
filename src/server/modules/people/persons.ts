import { eq } from 'drizzle-orm';
import type { Executor, Tx } from '../../../db/client';
import { accounts, persons } from '../../../db/schema';
import { DomainError } from '../../../domain/errors';
import { validateIdNumber } from '../../../domain/id-number';
import { maskIdNumber, maskPhone } from '../../../domain/masking';
import type { PiiCipher } from '../../../lib/pii';
import type { AppContext } from '../../context';
import { isUniqueViolation } from '../orgs/orgs.repo';

export type PersonRow = typeof persons.$inferSelect;

/** MEM-2: a valid, normalised ID number, or a 400 that says exactly what is wrong. */
export function validIdNumberOrThrow(raw: string, today: string) {
  const result = validateIdNumber(raw, today);
  if (!result.ok) throw new DomainError(result.code, result.message, [{ field: 'idNumber', code: result.code, message: result.message }]);
  return result;
}

export function phoneColumns(cipher: PiiCipher, phone: string | null | undefined) {
  if (!phone) return { phoneEnc: null, phoneIdx: null, phoneMasked: null };
  return { phoneEnc: cipher.encrypt(phone), phoneIdx: cipher.blindIndex('phone', phone), phoneMasked: maskPhone(phone) };
}

export async function findPersonByIdNumber(ex: Executor, cipher: PiiCipher, idNumber: string, lock = false): Promise<PersonRow | null> {
  const q = ex.select().from(persons).where(eq(persons.idNumberIdx, cipher.blindIndex('id', idNumber)));
  const [row] = lock ? await q.for('update') : await q;
  return row ?? null;
}

export async function insertPerson(
  tx: Tx,
  ctx: AppContext,
  p: { name: string; idNumber: string; birthDate: string; gender: 'MALE' | 'FEMALE'; phone?: string | null; email?: string | null },
): Promise<PersonRow> {
  const now = ctx.clock.now();
  const [row] = await tx
    .insert(persons)
    .values({
      name: p.name,
      idNumberEnc: ctx.cipher.encrypt(p.idNumber),
      idNumberIdx: ctx.cipher.blindIndex('id', p.idNumber),
      idNumberMasked: maskIdNumber(p.idNumber),
      gender: p.gender,
      birthDate: p.birthDate,
      ...phoneColumns(ctx.cipher, p.phone),
      email: p.email ?? null,
      createdAt: now,
      updatedAt: now,
    })
    .returning();
  return row!;
}

/**
 * Finds the person with this ID number or creates them. An existing person must carry the same name:
 * a mismatch is a data error to resolve, not a second identity.
 */
export async function findOrCreatePerson(
  tx: Tx,
  ctx: AppContext,
  p: { name: string; idNumber: string; birthDate: string; gender: 'MALE' | 'FEMALE'; phone?: string | null; email?: string | null },
): Promise<{ person: PersonRow; created: boolean }> {
  const existing = await findPersonByIdNumber(tx, ctx.cipher, p.idNumber, true);
  if (existing) {
    if (existing.name !== p.name) {
      throw new DomainError('MEM_2_NAME_MISMATCH', `该身份证号码已登记，姓名为“${existing.name.slice(0, 1)}*”，与填写的“${p.name}”不一致`);
    }
    const phoneIdx = p.phone ? ctx.cipher.blindIndex('phone', p.phone) : null;
    if (phoneIdx && !(existing.phoneIdx && existing.phoneIdx.equals(phoneIdx))) {
      const [row] = await tx.update(persons).set(phoneColumns(ctx.cipher, p.phone)).where(eq(persons.id, existing.id)).returning();
      return { person: row!, created: false };
    }
    return { person: existing, created: false };
  }
  return { person: await insertPerson(tx, ctx, p), created: true };
}

/** MEM-6: an account with the initial password (no hash yet), created with the person's first role. */
export async function ensureAccount(tx: Tx, personId: number, now: Date): Promise<void> {
  await tx.insert(accounts).values({ personId, issuedAt: now, mustChangePassword: true }).onConflictDoNothing();
}

/** Maps unique-key violations of people data to their rule's error. */
export function personConflict(err: unknown): DomainError | null {
  if (isUniqueViolation(err, 'persons_phone_key')) return new DomainError('MEM_1_PHONE_TAKEN');
  if (isUniqueViolation(err, 'persons_id_number_key')) return new DomainError('MEM_2_ID_NUMBER_TAKEN');
  if (isUniqueViolation(err, 'members_development_number_key')) return new DomainError('DEV_3_NUMBER_TAKEN');
  if (isUniqueViolation(err, 'members_person_key')) return new DomainError('MEM_2_ID_NUMBER_TAKEN');
  return null;
}
