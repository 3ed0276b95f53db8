import { IdParams, pageOf, ERROR_RESPONSES } from '../../../contracts/common';
import {
  CreateMemberRequest,
  LeaveMemberRequest,
  ListMembersQuery,
  Member,
  MemberListItem,
  ResetPasswordResponse,
  RestoreMemberRequest,
  RevealResponse,
  UpdateMemberRequest,
} from '../../../contracts/members';
import { chinaDate } from '../../../domain/dates';
import { contentDisposition } from '../../../lib/xlsx';
import type { AppContext } from '../../context';
import { requireAdmin } from '../../http/auth';
import type { ZApp } from '../../http/types';
import { exportMembers } from './members.export';
import {
  createMember,
  getMember,
  leaveMember,
  listMembers,
  resetMemberPassword,
  restoreMember,
  revealMember,
  updateMember,
} from './members.service';

const errors = ERROR_RESPONSES;
const admin = { access: 'admin' as const };
const tags = ['团员'];

export function registerMemberRoutes(app: ZApp, ctx: AppContext): void {
  app.get('/api/members', {
    config: admin,
    schema: {
      operationId: 'listMembers',
      tags,
      summary: '本级及下级团员列表（分页、筛选、排序）',
      querystring: ListMembersQuery,
      response: { 200: pageOf(MemberListItem), ...errors },
    },
    handler: async (req) => listMembers(ctx, requireAdmin(req), req.query),
  });

  app.get('/api/members/export', {
    config: admin,
    schema: {
      operationId: 'exportMembers',
      tags,
      summary: '按当前筛选条件导出团员名单（xlsx，身份证号和手机号已脱敏）',
      querystring: ListMembersQuery,
      produces: ['application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
      response: errors,
    },
    handler: async (req, reply) => {
      const stream = await exportMembers(ctx, requireAdmin(req), req.query, (err) => req.log.error({ err }, 'member export failed'));
      reply
        .header('content-type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
        .header('content-disposition', contentDisposition(`团员名单-${chinaDate(ctx.clock.now())}.xlsx`));
      return reply.send(stream as never);
    },
  });

  app.get('/api/members/:id', {
    config: admin,
    schema: { operationId: 'getMember', tags, summary: '团员详情', params: IdParams, response: { 200: Member, ...errors } },
    handler: async (req) => getMember(ctx, requireAdmin(req), req.params.id),
  });

  app.post('/api/members', {
    config: admin,
    schema: { operationId: 'createMember', tags, summary: '录入团员', body: CreateMemberRequest, response: { 201: Member, ...errors } },
    handler: async (req, reply) => reply.code(201).send(await createMember(ctx, requireAdmin(req), req.body)),
  });

  app.patch('/api/members/:id', {
    config: { ...admin, lockedFields: ['name', 'idNumber'] },
    schema: {
      operationId: 'updateMember',
      tags,
      summary: '修改团员信息（姓名、身份证号码不可修改）',
      params: IdParams,
      body: UpdateMemberRequest,
      response: { 200: Member, ...errors },
    },
    handler: async (req) => updateMember(ctx, requireAdmin(req), req.params.id, req.body),
  });

  app.post('/api/members/:id/leave', {
    config: admin,
    schema: { operationId: 'leaveMember', tags, summary: '离团（须注明原因，记录保留）', params: IdParams, body: LeaveMemberRequest, response: { 200: Member, ...errors } },
    handler: async (req) => leaveMember(ctx, requireAdmin(req), req.params.id, req.body),
  });

  app.post('/api/members/:id/restore', {
    config: admin,
    schema: { operationId: 'restoreMember', tags, summary: '恢复团籍', params: IdParams, body: RestoreMemberRequest, response: { 200: Member, ...errors } },
    handler: async (req) => restoreMember(ctx, requireAdmin(req), req.params.id, req.body),
  });

  app.post('/api/members/:id/reveal', {
    config: admin,
    schema: { operationId: 'revealMember', tags, summary: '查看完整身份证号码和手机号码（留痕）', params: IdParams, response: { 200: RevealResponse, ...errors } },
    handler: async (req) => revealMember(ctx, requireAdmin(req), req.params.id),
  });

  app.post('/api/members/:id/reset-password', {
    config: admin,
    schema: {
      operationId: 'resetMemberPassword',
      tags,
      summary: '重置团员密码（生成一次性临时密码）',
      params: IdParams,
      response: { 200: ResetPasswordResponse, ...errors },
    },
    handler: async (req) => resetMemberPassword(ctx, requireAdmin(req), req.params.id),
  });
}
