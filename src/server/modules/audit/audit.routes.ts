import { and, count, desc, eq, gte, like, lt, or } from 'drizzle-orm';
import { AuditEntry, ListAuditQuery } from '../../../contracts/audit';
import { ErrorResponse, pageOf } from '../../../contracts/common';
import { auditLog } from '../../../db/schema';
import type { AppContext } from '../../context';
import { requireAdmin } from '../../http/auth';
import type { ZApp } from '../../http/types';
import { inSubtree } from '../orgs/orgs.repo';

const errors = { 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse };

/** A China-time calendar day as a UTC instant at its start. */
const dayStart = (date: string) => new Date(`${date}T00:00:00+08:00`);

export function registerAuditRoutes(app: ZApp, ctx: AppContext): void {
  app.get('/api/audit', {
    config: { access: 'admin' },
    schema: {
      operationId: 'listAuditLog',
      tags: ['审计日志'],
      summary: '本级及下级组织的操作日志（SEC-3）',
      querystring: ListAuditQuery,
      response: { 200: pageOf(AuditEntry), ...errors },
    },
    handler: async (req) => {
      const actor = requireAdmin(req);
      const q = req.query;
      const escaped = q.actorName?.replace(/[\\%_]/g, (c) => `\\${c}`);
      const where = and(
        // A row concerning two subtrees (a transfer between them) is seen from either.
        or(inSubtree(auditLog.orgPath, actor.scope.path), inSubtree(auditLog.alsoOrgPath, actor.scope.path)),
        q.action ? eq(auditLog.action, q.action) : undefined,
        escaped ? like(auditLog.actorName, `${escaped}%`) : undefined,
        q.result ? eq(auditLog.result, q.result) : undefined,
        q.from ? gte(auditLog.at, dayStart(q.from)) : undefined,
        q.to ? lt(auditLog.at, new Date(dayStart(q.to).getTime() + 86_400_000)) : undefined,
      );
      const [items, [total]] = await Promise.all([
        ctx.db
          .select()
          .from(auditLog)
          .where(where)
          .orderBy(desc(auditLog.at), desc(auditLog.id))
          .limit(q.pageSize)
          .offset((q.page - 1) * q.pageSize),
        ctx.db.select({ n: count() }).from(auditLog).where(where),
      ]);
      return {
        items: items.map((r) => ({
          id: r.id,
          at: r.at.toISOString(),
          actorName: r.actorName,
          actingOrgId: r.actingOrgId,
          action: r.action,
          objectType: r.objectType,
          objectId: r.objectId,
          objectLabel: r.objectLabel,
          changes: r.changes,
          result: r.result,
          reason: r.reason,
          ip: r.ip,
        })),
        total: total?.n ?? 0,
        page: q.page,
        pageSize: q.pageSize,
      };
    },
  });
}
