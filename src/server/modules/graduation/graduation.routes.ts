import { ErrorResponse, PageQuery, pageOf } from '../../../contracts/common';
import { z } from 'zod';
import { DeleteEmptyBranchesRequest, DeleteEmptyBranchesResponse, EmptyBranch, MarkBranchesRequest, MarkBranchesResponse, MarkMembersRequest, MarkMembersResponse, RevokeMemberMarksRequest } from '../../../contracts/graduation';
import type { AppContext } from '../../context';
import { requireAdmin } from '../../http/auth';
import type { ZApp } from '../../http/types';
import { deleteEmptyBranches, listEmptyBranches, markBranches, markMembers, revokeMemberMarks } from './graduation.service';

const errors = { 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse, 422: ErrorResponse };
const admin = { access: 'admin' as const };
const tags = ['毕业'];

export function registerGraduationRoutes(app: ZApp, ctx: AppContext): void {
  app.post('/api/graduation/branch-marks', {
    config: admin,
    schema: {
      operationId: 'markBranchGraduation',
      tags,
      summary: '标记团支部团员毕业时间（GRAD-1…4：批量共用一个时间，或选择理由）',
      body: MarkBranchesRequest,
      response: { 200: MarkBranchesResponse, ...errors },
    },
    handler: async (req) => markBranches(ctx, requireAdmin(req), req.body),
  });

  app.post('/api/graduation/member-marks', {
    config: admin,
    schema: {
      operationId: 'markGraduates',
      tags,
      summary: '标记延迟毕业团员/教师（GRAD-6，单个或批量）',
      body: MarkMembersRequest,
      response: { 200: MarkMembersResponse, ...errors },
    },
    handler: async (req) => markMembers(ctx, requireAdmin(req), req.body),
  });

  app.post('/api/graduation/member-marks/revoke', {
    config: admin,
    schema: {
      operationId: 'revokeGraduateMarks',
      tags,
      summary: '撤销延迟毕业团员/教师标记（恢复为所在团支部的毕业时间）',
      body: RevokeMemberMarksRequest,
      response: { 200: MarkMembersResponse, ...errors },
    },
    handler: async (req) => revokeMemberMarks(ctx, requireAdmin(req), req.body.memberIds),
  });

  app.get('/api/graduation/empty-branches', {
    config: admin,
    schema: {
      operationId: 'listEmptyCampaignBranches',
      tags,
      summary: '已清空的毕业生团组织和临时团支部（GRAD-8，可批量删除）',
      querystring: z.strictObject(PageQuery),
      response: { 200: pageOf(EmptyBranch), ...errors },
    },
    handler: async (req) => listEmptyBranches(ctx, requireAdmin(req), req.query.page, req.query.pageSize),
  });

  app.post('/api/graduation/empty-branches/delete', {
    config: admin,
    schema: {
      operationId: 'deleteEmptyCampaignBranches',
      tags,
      summary: '批量删除已清空的毕业生团组织和临时团支部（ORG-7，历史保留）',
      body: DeleteEmptyBranchesRequest,
      response: { 200: DeleteEmptyBranchesResponse, ...errors },
    },
    handler: async (req) => deleteEmptyBranches(ctx, requireAdmin(req), req.body.branchIds),
  });
}
