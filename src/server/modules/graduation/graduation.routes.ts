import { ERROR_RESPONSES, IdParams, PageQuery, pageOf } from '../../../contracts/common';
import { z } from 'zod';
import { DeleteEmptyBranchesRequest, DeleteEmptyBranchesResponse, EmptyBranch, MarkBranchesRequest, MarkBranchesResponse, MarkMembersRequest, MarkMembersResponse, RevokeMemberMarksRequest } from '../../../contracts/graduation';
import { CampaignOverview, CampaignQuery, DestinationInput, DestinationItem, DestinationsPage, DestinationsQuery, PlaceMobileRequest, PlaceMobileResponse } from '../../../contracts/campaign';
import { chinaDate } from '../../../domain/dates';
import { contentDisposition } from '../../../lib/xlsx';
import type { AppContext } from '../../context';
import { requireAdmin } from '../../http/auth';
import type { ZApp } from '../../http/types';
import { campaignOverview, exportDestinations, listDestinations, placeInMobileBranch, updateDestination } from './campaign.service';
import { deleteEmptyBranches, listEmptyBranches, markBranches, markMembers, revokeMemberMarks } from './graduation.service';

const errors = ERROR_RESPONSES;
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

  app.get('/api/graduation/destinations', {
    config: admin,
    schema: {
      operationId: 'listGraduateDestinations',
      tags,
      summary: '毕业生去向（MEM-7）：本组织及下级的毕业生、去向和填写进度',
      querystring: DestinationsQuery,
      response: { 200: DestinationsPage, ...errors },
    },
    handler: async (req) => listDestinations(ctx, requireAdmin(req), req.query),
  });

  app.get('/api/graduation/destinations/export', {
    config: admin,
    schema: {
      operationId: 'exportGraduateDestinations',
      tags,
      summary: '导出毕业生去向（xlsx，可填写后按“毕业生去向”导入）',
      querystring: CampaignQuery,
      produces: ['application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
      response: errors,
    },
    handler: async (req, reply) => {
      const stream = await exportDestinations(ctx, requireAdmin(req), req.query.orgId, (err) => req.log.error({ err }, 'destination export failed'));
      reply
        .header('content-type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
        .header('content-disposition', contentDisposition(`毕业生去向-${chinaDate(ctx.clock.now())}.xlsx`));
      return reply.send(stream as never);
    },
  });

  app.patch('/api/graduation/destinations/:id', {
    config: admin,
    schema: {
      operationId: 'updateGraduateDestination',
      tags,
      summary: '填写一名毕业生的去向（MEM-7）',
      params: IdParams,
      body: DestinationInput,
      response: { 200: DestinationItem, ...errors },
    },
    handler: async (req) => updateDestination(ctx, requireAdmin(req), req.params.id, req.body),
  });

  app.get('/api/graduation/campaign', {
    config: admin,
    schema: {
      operationId: 'graduationCampaignLists',
      tags,
      summary: '学社衔接期限清单（TR-10 流动团员、TR-11 临时团支部、TR-12 各时间节点）',
      querystring: CampaignQuery,
      response: { 200: CampaignOverview, ...errors },
    },
    handler: async (req) => campaignOverview(ctx, requireAdmin(req), req.query.orgId),
  });

  app.post('/api/graduation/mobile-placements', {
    config: admin,
    schema: {
      operationId: 'placeInMobileGraduateBranch',
      tags,
      summary: '将未就业毕业生转入毕业学生流动团员团支部（TR-10，7月25日后，批量）',
      body: PlaceMobileRequest,
      response: { 200: PlaceMobileResponse, ...errors },
    },
    handler: async (req) => placeInMobileBranch(ctx, requireAdmin(req), req.body.memberIds),
  });
}
