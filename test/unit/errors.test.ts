import { describe, expect, it } from 'vitest';
import {
  DomainError,
  ERROR_CODES,
  OK,
  assertRule,
  defaultMessage,
  errorKind,
  isErrorCode,
  refuse,
  type ErrorKind,
} from '../../src/domain/errors';
import { statusOf } from '../../src/server/http/errors';

/** Every kind, with the HTTP status SPEC.md gives it; typed so a new kind must be added here. */
const KINDS: Record<ErrorKind, number> = {
  INVALID: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  RULE: 422,
  RATE_LIMITED: 429,
  INTERNAL: 500,
  UNAVAILABLE: 503,
};

describe('error catalog', () => {
  it('API errors: the catalog is not empty and has no duplicate codes', () => {
    expect(ERROR_CODES.length).toBeGreaterThan(20);
    expect(new Set(ERROR_CODES).size).toBe(ERROR_CODES.length);
  });

  it.each(ERROR_CODES)('API errors: %s has a known kind and a Chinese message', (code) => {
    expect(Object.keys(KINDS)).toContain(errorKind(code));
    expect(defaultMessage(code).trim().length).toBeGreaterThan(0);
    expect(defaultMessage(code)).toMatch(/[\u4e00-\u9fff]/);
    expect(code).toMatch(/^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$/);
    expect(isErrorCode(code)).toBe(true);
  });

  it.each(ERROR_CODES)('API errors: %s answers with the HTTP status of its kind', (code) => {
    expect(statusOf(code)).toBe(KINDS[errorKind(code)]);
  });

  it('API errors: rule refusals answer 422, missing or out-of-scope objects 404 (SEC-1)', () => {
    expect(statusOf('ORG_7_HAS_MEMBERS')).toBe(422);
    expect(statusOf('NOT_FOUND')).toBe(404);
    expect(statusOf('MEM_2_ID_NUMBER_TAKEN')).toBe(409);
    expect(statusOf('FIELD_NOT_ALLOWED')).toBe(400);
  });

  it('API errors: codes of numbered rules name the rule (e.g. ORG_7_…) and carry its family', () => {
    for (const code of ERROR_CODES.filter((c) => /^[A-Z]+_\d+_/.test(c))) {
      expect(['MEM', 'ORG', 'CAD', 'ADM', 'DEV', 'GRAD', 'TR', 'REP', 'ST', 'SEC']).toContain(code.split('_')[0]);
    }
  });

  it('SEC-1 a missing object and an out-of-scope one share one code', () => {
    expect(errorKind('NOT_FOUND')).toBe('NOT_FOUND');
    expect(defaultMessage('NOT_FOUND')).toContain('不在您的管理范围内');
  });

  it('SEC-2 an unknown ID and a wrong password share one login error', () => {
    expect(errorKind('LOGIN_FAILED')).toBe('UNAUTHENTICATED');
  });

  it('API errors: isErrorCode refuses anything outside the catalog, including inherited object keys', () => {
    for (const s of ['NOPE', '', 'not_found', 'toString', 'constructor', '__proto__', 'hasOwnProperty']) {
      expect(isErrorCode(s), s).toBe(false);
    }
  });
});

describe('DomainError / refuse / assertRule', () => {
  it('API errors: a DomainError carries its code, the catalog message and no details by default', () => {
    const e = new DomainError('ORG_7_HAS_MEMBERS');
    expect(e).toBeInstanceOf(Error);
    expect(e.name).toBe('DomainError');
    expect(e.code).toBe('ORG_7_HAS_MEMBERS');
    expect(e.message).toBe(defaultMessage('ORG_7_HAS_MEMBERS'));
    expect(e.details).toEqual([]);
  });

  it('API errors: a DomainError may carry its own message and details', () => {
    const details = [{ field: 'idNumber', code: 'MEM_2_CHECK_DIGIT', message: '校验位错误' }];
    const e = new DomainError('VALIDATION_FAILED', '第3行有误', details);
    expect(e.message).toBe('第3行有误');
    expect(e.details).toEqual(details);
  });

  it('API errors: refuse uses the catalog message unless given one', () => {
    expect(refuse('ORG_2_BRANCH_IS_LEAF')).toEqual({ ok: false, code: 'ORG_2_BRANCH_IS_LEAF', message: defaultMessage('ORG_2_BRANCH_IS_LEAF') });
    expect(refuse('ORG_2_BRANCH_IS_LEAF', '自定义')).toEqual({ ok: false, code: 'ORG_2_BRANCH_IS_LEAF', message: '自定义' });
  });

  it('API errors: assertRule passes OK and throws the refusal as a DomainError', () => {
    expect(() => assertRule(OK)).not.toThrow();
    let caught: unknown;
    try {
      assertRule(refuse('ORG_7_HAS_CHILDREN', '还有下级'));
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(DomainError);
    expect((caught as DomainError).code).toBe('ORG_7_HAS_CHILDREN');
    expect((caught as DomainError).message).toBe('还有下级');
  });
});
