import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export interface CipherKeys {
  encKey: Buffer;
  idxKey: Buffer;
}

/**
 * Personal data at rest: ID numbers and phones are stored AES-256-GCM encrypted, found through a
 * keyed blind index (HMAC-SHA-256), and shown masked. The master key never enters the database.
 */
export class PiiCipher {
  private readonly encKey: Buffer;
  private readonly idxKey: Buffer;
  /** CSPRNG bytes for nonces, drawn in bulk (one randomFillSync per 4,096 nonces instead of per value; each byte used once). */
  private nonces = Buffer.alloc(0);
  private nonceAt = 0;

  constructor(masterKey: Buffer) {
    if (masterKey.length !== 32) throw new Error('the data key must be 32 bytes');
    this.encKey = Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), 'zhtj/pii/encrypt/v1', 32));
    this.idxKey = Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), 'zhtj/pii/index/v1', 32));
  }

  /** The derived keys, for the import worker thread's workerData only: never logged, never stored. */
  workerKeys(): CipherKeys {
    return { encKey: this.encKey, idxKey: this.idxKey };
  }

  /** The cipher inside a worker thread, from `workerKeys()` (a Buffer arrives there as a Uint8Array). */
  static fromWorkerKeys(keys: { encKey: Uint8Array; idxKey: Uint8Array }): PiiCipher {
    const cipher = Object.create(PiiCipher.prototype) as PiiCipher;
    Object.assign(cipher, { encKey: Buffer.from(keys.encKey), idxKey: Buffer.from(keys.idxKey), nonces: Buffer.alloc(0), nonceAt: 0 });
    return cipher;
  }

  /** version byte ‖ 12-byte IV ‖ 16-byte tag ‖ ciphertext */
  encrypt(plain: string): Buffer {
    if (this.nonceAt + 12 > this.nonces.length) {
      this.nonces = randomBytes(12 * 4096);
      this.nonceAt = 0;
    }
    const iv = this.nonces.subarray(this.nonceAt, (this.nonceAt += 12));
    const cipher = createCipheriv('aes-256-gcm', this.encKey, iv);
    const ct = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return Buffer.concat([Buffer.from([1]), iv, cipher.getAuthTag(), ct]);
  }

  decrypt(data: Buffer): string {
    if (data[0] !== 1) throw new Error('unknown ciphertext version');
    const decipher = createDecipheriv('aes-256-gcm', this.encKey, data.subarray(1, 13));
    decipher.setAuthTag(data.subarray(13, 29));
    return Buffer.concat([decipher.update(data.subarray(29)), decipher.final()]).toString('utf8');
  }

  /** Deterministic lookup key; `kind` separates the ID-number and phone spaces. */
  blindIndex(kind: 'id' | 'phone' | 'login' | 'recovery', value: string): Buffer {
    return createHmac('sha256', this.idxKey).update(`${kind}:${value}`).digest().subarray(0, 16);
  }
}

/**
 * The master key: ZHTJ_DATA_KEY (base64 of 32 bytes), or the file named by ZHTJ_DATA_KEY_FILE, or —
 * outside production only — a key generated once under DATA_DIR/secrets.
 */
export function loadMasterKey(opts: { env: NodeJS.ProcessEnv; production: boolean; defaultKeyFile: string }): Buffer {
  const fromEnv = opts.env.ZHTJ_DATA_KEY;
  if (fromEnv) return decodeKey(fromEnv, 'ZHTJ_DATA_KEY');
  const file = opts.env.ZHTJ_DATA_KEY_FILE;
  if (file) return decodeKey(readFileSync(file, 'utf8').trim(), file);
  if (opts.production) {
    throw new Error('生产环境必须通过 ZHTJ_DATA_KEY 或 ZHTJ_DATA_KEY_FILE 提供数据加密密钥（32字节，base64）');
  }
  const keyFile = opts.defaultKeyFile;
  if (existsSync(keyFile)) return decodeKey(readFileSync(keyFile, 'utf8').trim(), keyFile);
  mkdirSync(dirname(keyFile), { recursive: true, mode: 0o700 });
  const key = randomBytes(32);
  writeFileSync(keyFile, `${key.toString('base64')}\n`, { mode: 0o600 });
  chmodSync(keyFile, 0o600);
  return key;
}

function decodeKey(text: string, source: string): Buffer {
  const key = Buffer.from(text, 'base64');
  if (key.length !== 32) throw new Error(`${source}: the data key must be 32 bytes in base64`);
  return key;
}
