import { hash, verify } from '@node-rs/argon2';
import { randomInt, timingSafeEqual } from 'node:crypto';

/** argon2id with OWASP's minimum (19 MiB, 2 passes, 1 lane); the salt is per hash. */
// `algorithm: 2` is Argon2id (the package's const enum cannot be imported under verbatimModuleSyntax).
const OPTIONS = { algorithm: 2, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export function hashPassword(password: string): Promise<string> {
  return hash(password, OPTIONS);
}

export async function verifyPassword(stored: string, password: string): Promise<boolean> {
  try {
    return await verify(stored, password);
  } catch {
    return false;
  }
}

let dummyHash: Promise<string> | undefined;

/**
 * Spends the time of one real verification. Login calls it when there is no hash to check (unknown
 * account, initial password) so that response times do not tell who exists.
 */
export async function burnVerifyTime(password: string): Promise<void> {
  dummyHash ??= hashPassword('zhtj-timing-equaliser');
  await verifyPassword(await dummyHash, password);
}

export function constantTimeEquals(a: string, b: string): boolean {
  const ab = Buffer.from(a, 'utf8');
  const bb = Buffer.from(b, 'utf8');
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}

const TEMP_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789';

/** A random one-time password for an admin's reset: 10 characters, no look-alikes (0/O, 1/l/I). */
export function temporaryPassword(length = 10): string {
  let out = '';
  for (let i = 0; i < length; i++) out += TEMP_ALPHABET[randomInt(TEMP_ALPHABET.length)];
  return out;
}
