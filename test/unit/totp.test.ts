import { describe, expect, it } from 'vitest';
import {
  base32Decode,
  base32Encode,
  generateRecoveryCodes,
  generateTotpSecret,
  hotp,
  normalizeRecoveryCode,
  otpauthUri,
  totpAt,
  totpForStep,
  totpStep,
  verifyTotp,
} from '../../src/lib/totp';

// Issue 7 item 3: the admin second factor (RFC 6238 TOTP over RFC 4226 HOTP).
describe('TOTP (issue 7, accounts: admin second factor)', () => {
  it('RFC 4226 Appendix D: HOTP values for counters 0…9', () => {
    const key = Buffer.from('12345678901234567890', 'ascii');
    const expected = ['755224', '287082', '359152', '969429', '338314', '254676', '287922', '162583', '399871', '520489'];
    expect(expected.map((_, i) => hotp(key, i))).toEqual(expected);
  });

  it('RFC 6238 Appendix B: the test vectors for SHA1, SHA256 and SHA512 (8 digits)', () => {
    const keys = {
      sha1: Buffer.from('12345678901234567890', 'ascii'),
      sha256: Buffer.from('12345678901234567890123456789012', 'ascii'),
      sha512: Buffer.from('1234567890123456789012345678901234567890123456789012345678901234', 'ascii'),
    };
    const table: [number, string, string, string][] = [
      [59, '94287082', '46119246', '90693936'],
      [1111111109, '07081804', '68084774', '25091201'],
      [1111111111, '14050471', '67062674', '99943326'],
      [1234567890, '89005924', '91819424', '93441116'],
      [2000000000, '69279037', '90698825', '38618901'],
      [20000000000, '65353130', '77737706', '47863826'],
    ];
    for (const [t, sha1, sha256, sha512] of table) {
      const step = totpStep(new Date(t * 1000));
      expect(hotp(keys.sha1, step, 8, 'sha1')).toBe(sha1);
      expect(hotp(keys.sha256, step, 8, 'sha256')).toBe(sha256);
      expect(hotp(keys.sha512, step, 8, 'sha512')).toBe(sha512);
    }
  });

  it('the 6-digit SHA1 code apps show is the last 6 digits of the RFC vector', () => {
    const secret = base32Encode(Buffer.from('12345678901234567890', 'ascii'));
    expect(secret).toBe('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ');
    expect(totpAt(secret, new Date(59_000))).toBe('287082');
    expect(totpAt(secret, new Date(1111111109_000))).toBe('081804');
  });

  it('base32 round-trips and a new secret is 160 bits', () => {
    const raw = Buffer.from([0, 1, 2, 250, 251, 255, 7]);
    expect(base32Decode(base32Encode(raw))).toEqual(raw);
    expect(base32Decode('gezd gnbv gy3t qojq gezd gnbv gy3t qojq')).toEqual(Buffer.from('12345678901234567890'));
    const s = generateTotpSecret();
    expect(s).toMatch(/^[A-Z2-7]{32}$/);
    expect(base32Decode(s)).toHaveLength(20);
  });

  const secret = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
  const at = new Date('2026-03-02T02:00:10Z');
  const now = totpStep(at);

  it('accepts the current step and one step either side, nothing further (±30 s tolerance)', () => {
    expect(verifyTotp(secret, totpForStep(secret, now), at, null)).toBe(now);
    expect(verifyTotp(secret, totpForStep(secret, now - 1), at, null)).toBe(now - 1);
    expect(verifyTotp(secret, totpForStep(secret, now + 1), at, null)).toBe(now + 1);
    expect(verifyTotp(secret, totpForStep(secret, now - 2), at, null)).toBeNull();
    expect(verifyTotp(secret, totpForStep(secret, now + 2), at, null)).toBeNull();
    expect(verifyTotp(secret, 'abcdef', at, null)).toBeNull();
    expect(verifyTotp(secret, '12345', at, null)).toBeNull();
  });

  it('a used step cannot be replayed, nor an older step inside the window', () => {
    expect(verifyTotp(secret, totpForStep(secret, now), at, now)).toBeNull();
    expect(verifyTotp(secret, totpForStep(secret, now - 1), at, now)).toBeNull();
    expect(verifyTotp(secret, totpForStep(secret, now + 1), at, now)).toBe(now + 1);
  });

  it('a clock that went back more than a step does not lock the account out', () => {
    expect(verifyTotp(secret, totpForStep(secret, now), at, now + 100)).toBe(now);
    // …but one step back is still inside the window: the used step stays refused.
    expect(verifyTotp(secret, totpForStep(secret, now + 1), at, now + 1)).toBeNull();
  });

  it('the otpauth URI carries secret, issuer and the parameters apps need', () => {
    const uri = otpauthUri(secret, '张三');
    expect(uri.startsWith('otpauth://totp/')).toBe(true);
    const url = new URL(uri);
    expect(url.searchParams.get('secret')).toBe(secret);
    expect(url.searchParams.get('issuer')).toBe('智慧团建');
    expect(url.searchParams.get('digits')).toBe('6');
    expect(url.searchParams.get('period')).toBe('30');
  });

  it('recovery codes: 10 distinct codes; typing is forgiving of case, dashes and look-alikes', () => {
    const codes = generateRecoveryCodes();
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    for (const c of codes) expect(c).toMatch(/^[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}$/);
    expect(normalizeRecoveryCode(' ab1c0-defgh ')).toBe('AB1C0DEFGH');
    expect(normalizeRecoveryCode('ol')).toBe('01');
  });
});
