import { Admin, GrantAdminRequest, ListAdminsQuery } from '../../../contracts/cadres';
import { IdParams, pageOf, ERROR_RESPONSES } from '../../../contracts/common';
import type { AppContext } from '../../context';
import { requireAdmin } from '../../http/auth';
import type { ZApp } from '../../http/types';
import { grantAdmin, listAdmins, revokeAdmin } from './admins.service';
import { OkResponse } from '../../../contracts/common';
import { resetAdminMfa } from '../auth/mfa.service';

const errors = ERROR_RESPONSES;
const admin = { access: 'admin' as const };
const tags = ['管理员'];

export function registerAdminRoutes(app: ZApp, ctx: AppContext): void {
  app.get('/api/admins', {
    config: admin,
    schema: { operationId: 'listAdmins', tags, summary: '组织的管理员', querystring: ListAdminsQuery, response: { 200: pageOf(Admin), ...errors } },
    handler: async (req) => listAdmins(ctx, requireAdmin(req), req.query),
  });

  app.post('/api/admins', {
    config: admin,
    schema: { operationId: 'grantAdmin', tags, summary: '新增管理员（须先是该组织团干部，ADM-1）', body: GrantAdminRequest, response: { 201: Admin, ...errors } },
    handler: async (req, reply) => reply.code(201).send(await grantAdmin(ctx, requireAdmin(req), req.body)),
  });

  app.post('/api/admins/:id/revoke', {
    config: admin,
    schema: { operationId: 'revokeAdmin', tags, summary: '撤销管理员（立即生效）', params: IdParams, response: { 200: Admin, ...errors } },
    handler: async (req) => revokeAdmin(ctx, requireAdmin(req), req.params.id),
  });

  app.post('/api/admins/:id/mfa-reset', {
    config: admin,
    schema: {
      operationId: 'resetAdminMfa',
      tags,
      summary: '重置管理员的二次验证（其丢失身份验证器时；该管理员下次登录重新绑定）',
      params: IdParams,
      response: { 200: OkResponse, ...errors },
    },
    handler: async (req) => resetAdminMfa(ctx, requireAdmin(req), req.params.id),
  });
}
