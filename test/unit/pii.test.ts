import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { PiiCipher, loadMasterKey } from '../../src/lib/pii';

const key = Buffer.alloc(32, 7);
const cipher = new PiiCipher(key);
const other = new PiiCipher(Buffer.alloc(32, 8));

describe('PiiCipher encryption (SEC-4)', () => {
  it.each([
    ['an ID number', '11010519491231002X'],
    ['a phone', '13800138000'],
    ['Chinese text', '北京市海淀区中关村大街1号'],
    ['an emoji', '团员🌸'],
    ['an empty string', ''],
    ['a long value', 'x'.repeat(10_000)],
  ])('SEC-4 round-trips %s', (_label, value) => {
    expect(cipher.decrypt(cipher.encrypt(value))).toBe(value);
  });

  it('SEC-4 round-trips any string', () => {
    fc.assert(fc.property(fc.string({ unit: 'grapheme' }), (s) => cipher.decrypt(cipher.encrypt(s)) === s));
  });

  it('SEC-4 the stored form is version ‖ IV ‖ tag ‖ ciphertext and never contains the value', () => {
    const value = '110101199003074258';
    const data = cipher.encrypt(value);
    expect(data[0]).toBe(1);
    expect(data.length).toBe(1 + 12 + 16 + Buffer.byteLength(value));
    expect(data.includes(Buffer.from(value))).toBe(false);
  });

  it('SEC-4 two encryptions of the same value differ', () => {
    const a = cipher.encrypt('110101199003074258');
    const b = cipher.encrypt('110101199003074258');
    expect(a.equals(b)).toBe(false);
    expect(cipher.decrypt(a)).toBe(cipher.decrypt(b));
  });

  it('SEC-4 flipping any bit of the stored form makes decryption fail', () => {
    const data = cipher.encrypt('13800138000');
    fc.assert(
      fc.property(fc.integer({ min: 0, max: data.length - 1 }), fc.integer({ min: 0, max: 7 }), (pos, bit) => {
        const tampered = Buffer.from(data);
        tampered[pos] = tampered[pos]! ^ (1 << bit);
        expect(() => cipher.decrypt(tampered)).toThrow();
      }),
    );
  });

  it('SEC-4 a truncated value or another key fails to decrypt', () => {
    const data = cipher.encrypt('13800138000');
    expect(() => cipher.decrypt(data.subarray(0, data.length - 1))).toThrow();
    expect(() => cipher.decrypt(data.subarray(0, 20))).toThrow();
    expect(() => cipher.decrypt(Buffer.alloc(0))).toThrow();
    expect(() => other.decrypt(data)).toThrow();
  });

  it.each([0, 16, 31, 33, 64])('SEC-4 refuses a master key of %i bytes', (n) => {
    expect(() => new PiiCipher(Buffer.alloc(n, 1))).toThrow(/32 bytes/);
  });
});

describe('PiiCipher blind index (MEM-2, MEM-1)', () => {
  it('MEM-2 the blind index is deterministic and 16 bytes long', () => {
    const a = cipher.blindIndex('id', '110101199003074258');
    expect(a.length).toBe(16);
    expect(a.equals(cipher.blindIndex('id', '110101199003074258'))).toBe(true);
    expect(a.equals(new PiiCipher(Buffer.from(key)).blindIndex('id', '110101199003074258'))).toBe(true);
  });

  it('MEM-1 the blind index separates ID numbers, phones and login names', () => {
    const v = '13800138000';
    const id = cipher.blindIndex('id', v);
    const phone = cipher.blindIndex('phone', v);
    const login = cipher.blindIndex('login', v);
    expect(id.equals(phone)).toBe(false);
    expect(id.equals(login)).toBe(false);
    expect(phone.equals(login)).toBe(false);
  });

  it('MEM-2 different values and different keys give different indexes', () => {
    expect(cipher.blindIndex('id', '110101199003074258').equals(cipher.blindIndex('id', '11010519491231002X'))).toBe(false);
    expect(cipher.blindIndex('id', '110101199003074258').equals(other.blindIndex('id', '110101199003074258'))).toBe(false);
  });

  it('MEM-2 the index is not a plain hash of the value', () => {
    const idx = cipher.blindIndex('id', '110101199003074258');
    expect(idx.includes(Buffer.from('4258'))).toBe(false);
  });
});

describe('loadMasterKey (SEC-4)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'zhtj-pii-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('SEC-4 reads a base64 key from ZHTJ_DATA_KEY and refuses a wrong length', () => {
    const k = randomBytes(32);
    const opts = { production: true, defaultKeyFile: join(dir, 'unused') };
    expect(loadMasterKey({ ...opts, env: { ZHTJ_DATA_KEY: k.toString('base64') } }).equals(k)).toBe(true);
    expect(() => loadMasterKey({ ...opts, env: { ZHTJ_DATA_KEY: randomBytes(16).toString('base64') } })).toThrow(/32 bytes/);
  });

  it('SEC-4 production without a key refuses to start', () => {
    expect(() => loadMasterKey({ env: {}, production: true, defaultKeyFile: join(dir, 'unused') })).toThrow(/ZHTJ_DATA_KEY/);
  });

  it('SEC-4 outside production a key is generated once, private to the owner, and reused', () => {
    const file = join(dir, 'secrets', 'data.key');
    const first = loadMasterKey({ env: {}, production: false, defaultKeyFile: file });
    expect(first.length).toBe(32);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(Buffer.from(readFileSync(file, 'utf8').trim(), 'base64').equals(first)).toBe(true);
    expect(loadMasterKey({ env: {}, production: false, defaultKeyFile: file }).equals(first)).toBe(true);
  });
});
