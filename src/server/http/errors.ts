import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import { DomainError, defaultMessage, errorKind, type ErrorCode, type ErrorDetail, type ErrorKind } from '../../domain/errors';
import { writeAudit } from '../audit';
import type { AppContext } from '../context';

const STATUS: Record<ErrorKind, number> = {
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

export function statusOf(code: ErrorCode): number {
  return STATUS[errorKind(code)];
}

export interface ErrorBody {
  error: { code: string; message: string; details: ErrorDetail[] };
}

export function errorBody(code: ErrorCode, message?: string, details: ErrorDetail[] = []): ErrorBody {
  return { error: { code, message: message ?? defaultMessage(code), details } };
}

export function sendError(reply: FastifyReply, code: ErrorCode, message?: string, details: ErrorDetail[] = []) {
  return reply.code(statusOf(code)).send(errorBody(code, message, details));
}

interface ZodLikeIssue {
  keyword: string;
  instancePath: string;
  message: string;
  params?: { keys?: string[] };
}

/** Route option: body fields that exist but may never be changed through this route (MEM-5). */
declare module 'fastify' {
  interface FastifyContextConfig {
    lockedFields?: readonly string[];
  }
}

function mapValidation(request: FastifyRequest, issues: ZodLikeIssue[], context: string | undefined): ErrorBody {
  const details: ErrorDetail[] = [];
  const unknownKeys: string[] = [];
  for (const issue of issues) {
    const base = issue.instancePath.replace(/^\//, '').replaceAll('/', '.');
    if (issue.keyword === 'unrecognized_keys') {
      for (const key of issue.params?.keys ?? []) {
        const field = base ? `${base}.${key}` : key;
        unknownKeys.push(field);
        details.push({ field, code: 'FIELD_NOT_ALLOWED', message: `不允许提交字段“${field}”` });
      }
    } else {
      details.push({ field: base || context || undefined, code: issue.keyword.toUpperCase(), message: issue.message });
    }
  }
  const locked = request.routeOptions.config?.lockedFields ?? [];
  if (unknownKeys.some((k) => locked.includes(k))) return errorBody('MEM_5_LOCKED_FIELD', undefined, details);
  if (unknownKeys.length > 0) return errorBody('FIELD_NOT_ALLOWED', undefined, details);
  const first = details[0];
  const message = first ? `${first.field ? `${first.field}：` : ''}${first.message}` : undefined;
  return errorBody('VALIDATION_FAILED', message, details);
}

function pgCode(err: unknown): string | undefined {
  const e = err as { code?: unknown; cause?: { code?: unknown } };
  const code = typeof e.code === 'string' ? e.code : typeof e.cause?.code === 'string' ? e.cause.code : undefined;
  return code && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

/** One place maps every failure to the SPEC error shape; 5xx details never leave the server. */
/**
 * SEC-3 logs failures too: a state change that a rule or a conflict refused gets a FAILED row. It is
 * written here, after the change's transaction has rolled back. Scope refusals (404) are already
 * logged as ACCESS_DENIED where they happen; reads are not logged.
 */
async function auditRefusal(ctx: AppContext, request: FastifyRequest, err: DomainError): Promise<void> {
  const kind = errorKind(err.code);
  if (!request.actor || request.method === 'GET' || !(kind === 'RULE' || kind === 'CONFLICT' || kind === 'INVALID')) return;
  if (request.routeOptions.url?.startsWith('/api/auth/')) return; // the account service logs its own failures
  const params = request.params as { id?: unknown } | undefined;
  const operation = (request.routeOptions.schema as { operationId?: string } | undefined)?.operationId ?? request.routeOptions.url;
  // /api/<resources>/:id → the object type the other audit rows use for the same resource.
  const resource = request.routeOptions.url?.match(/^\/api\/([a-z-]+)s\//)?.[1] ?? undefined;
  await writeAudit(ctx.db, ctx, { ...request.actor, actingOrgId: request.adminScope?.orgId ?? null }, {
    action: 'OPERATION_REFUSED',
    result: 'FAILED',
    objectType: resource,
    objectId: typeof params?.id === 'string' || typeof params?.id === 'number' ? params.id : undefined,
    orgPath: request.adminScope?.path ?? null,
    reason: `${operation}: ${err.code} ${err.message}`.slice(0, 500),
  }).catch((e: unknown) => request.log.error({ err: e }, 'audit write failed'));
}

export function installErrorHandler(app: FastifyInstance, ctx: AppContext): void {
  app.setErrorHandler(async (err: FastifyError, request, reply) => {
    if (err instanceof DomainError) {
      await auditRefusal(ctx, request, err);
      return sendError(reply, err.code, err.message, err.details);
    }
    if (hasZodFastifySchemaValidationErrors(err)) {
      return reply.code(400).send(mapValidation(request, err.validation as ZodLikeIssue[], err.validationContext));
    }
    if (isResponseSerializationError(err)) {
      request.log.error({ err, issues: err.cause.issues }, 'response does not match its schema');
      return sendError(reply, 'INTERNAL');
    }
    if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE' || err.statusCode === 413) return sendError(reply, request.url.startsWith('/api/imports') ? 'IMPORT_TOO_LARGE' : 'PAYLOAD_TOO_LARGE');
    if (err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' || err.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' || err.code === 'FST_ERR_CTP_INVALID_JSON_BODY') {
      return sendError(reply, 'BAD_REQUEST', '请求体不是有效的 JSON');
    }
    if (err.statusCode === 400 || err.code?.startsWith('FST_ERR_VALIDATION')) {
      return sendError(reply, 'BAD_REQUEST', '请求格式错误');
    }
    const pg = pgCode(err);
    if (pg === '57014') return sendError(reply, 'QUERY_TIMEOUT');
    if (pg === '23505' || pg === '40001' || pg === '40P01') return sendError(reply, 'CONFLICT');
    if (err.statusCode === 429) return sendError(reply, 'RATE_LIMITED');
    request.log.error({ err }, 'unhandled error');
    return sendError(reply, 'INTERNAL');
  });
}
