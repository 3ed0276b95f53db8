import { z } from 'zod';
import { IdParams, pageOf, ERROR_RESPONSES } from '../../../contracts/common';
import {
  CensusRequest,
  CensusResponse,
  DevFiguresResponse,
  EduCountsRequest,
  EduResponse,
  FigureExportQuery,
  FiguresQuery,
  FiguresResponse,
  ForwardRequest,
  GraduationResponse,
  IssueRangeRequest,
  MemberDeletionRequest,
  OrgOnlyQuery,
  OrgPageQuery,
  RangeSchema,
  RangesResponse,
  RefuseRequest,
  ReportSchema,
  ReportsQuery,
  TownshipFlagRequest,
  UnmarkedBranch,
  UnusedNumbersQuery,
  UnusedNumbersResponse,
  VoidRequest,
  VoidSchema, TransferProgressResponse } from '../../../contracts/supervision';
import { PageQuery } from '../../../contracts/common';
import { chinaDate } from '../../../domain/dates';
import { contentDisposition } from '../../../lib/xlsx';
import type { AppContext } from '../../context';
import { requireAdmin } from '../../http/auth';
import type { ZApp } from '../../http/types';
import { issueRange, listRanges, listVoids, registerVoid, unusedNumbers } from './dev-numbers.service';
import { executeReport, fileMemberDeletion, fileTownshipFlag, forwardReport, getReport, listReports, refuseReport } from './reports.service';
import { exportNewMemberRoster } from './roster.export';
import { devFigures, eduFigures, exportFigure, figures, graduation, saveCensus, saveEduCounts, transferProgress, unmarkedBranches } from './supervision.service';

const errors = ERROR_RESPONSES;
const admin = { access: 'admin' as const };
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export function registerSupervisionRoutes(app: ZApp, ctx: AppContext): void {
  const tags = ['统计监督'];
  app.get('/api/supervision/figures', {
    config: admin,
    schema: { operationId: 'supervisionFigures', tags, summary: 'ST-1～ST-4：本级及直属下级的录入、完整度、新发展团员、毕业时间标记', querystring: FiguresQuery, response: { 200: FiguresResponse, ...errors } },
    handler: async (req) => figures(ctx, requireAdmin(req), req.query),
  });
  app.get('/api/supervision/graduation', {
    config: admin,
    schema: { operationId: 'supervisionGraduation', tags, summary: 'ST-5：毕业班、毕业生团支部、毕业学生、毕业学生团员统计', querystring: FiguresQuery, response: { 200: GraduationResponse, ...errors } },
    handler: async (req) => graduation(ctx, requireAdmin(req), req.query),
  });
  app.get('/api/supervision/transfers', {
    config: admin,
    schema: { operationId: 'supervisionTransfers', tags, summary: 'ST-6：学社衔接转接进度、超过10天未处理的审批和滞后排名（通报）', querystring: FiguresQuery, response: { 200: TransferProgressResponse, ...errors } },
    handler: async (req) => transferProgress(ctx, requireAdmin(req), req.query),
  });
  app.get('/api/supervision/dev-numbers', {
    config: admin,
    schema: { operationId: 'supervisionDevNumbers', tags, summary: 'ST-7：发展团员编号下发、使用、未使用及说明情况', querystring: OrgOnlyQuery, response: { 200: DevFiguresResponse, ...errors } },
    handler: async (req) => devFigures(ctx, requireAdmin(req), req.query),
  });
  app.get('/api/supervision/edu-counts', {
    config: admin,
    schema: { operationId: 'supervisionEduCounts', tags, summary: 'REP-3：教统数据与团内统计对照', querystring: FiguresQuery, response: { 200: EduResponse, ...errors } },
    handler: async (req) => eduFigures(ctx, requireAdmin(req), req.query),
  });
  app.post('/api/supervision/edu-counts', {
    config: admin,
    schema: { operationId: 'saveEduCounts', tags, summary: 'REP-3：填报本级教统数据（差距超过5%须说明）', body: EduCountsRequest, response: { 200: EduResponse, ...errors } },
    handler: async (req) => saveEduCounts(ctx, requireAdmin(req), req.body),
  });
  app.post('/api/supervision/census', {
    config: admin,
    schema: { operationId: 'saveCensus', tags, summary: 'ST-1：填报年度团统数（团的领导机关）', body: CensusRequest, response: { 200: CensusResponse, ...errors } },
    handler: async (req) => saveCensus(ctx, requireAdmin(req), req.body),
  });
  app.get('/api/supervision/unmarked-branches', {
    config: admin,
    schema: { operationId: 'unmarkedBranches', tags, summary: 'ST-4：未标记毕业时间的学校团支部名单', querystring: OrgPageQuery, response: { 200: pageOf(UnmarkedBranch), ...errors } },
    handler: async (req) => unmarkedBranches(ctx, requireAdmin(req), req.query),
  });
  app.get('/api/supervision/export', {
    config: admin,
    schema: { operationId: 'exportFigure', tags, summary: '导出统计表（xlsx）', querystring: FigureExportQuery, produces: [XLSX], response: errors },
    handler: async (req, reply) => {
      const { buffer, filename } = await exportFigure(ctx, requireAdmin(req), req.query);
      return reply.header('content-type', XLSX).header('content-disposition', contentDisposition(filename)).send(buffer as never);
    },
  });
  app.get('/api/supervision/new-members/export', {
    config: admin,
    schema: { operationId: 'exportNewMemberRoster', tags, summary: 'ST-3：导出新发展团员名册（xlsx，已脱敏）', querystring: OrgOnlyQuery, produces: [XLSX], response: errors },
    handler: async (req, reply) => {
      const { stream, orgName } = await exportNewMemberRoster(ctx, requireAdmin(req), req.query, (err) => req.log.error({ err }, 'roster export failed'));
      reply.header('content-type', XLSX).header('content-disposition', contentDisposition(`${orgName}-新发展团员名册-${chinaDate(ctx.clock.now())}.xlsx`));
      return reply.send(stream as never);
    },
  });

  const devTags = ['发展团员编号'];
  app.get('/api/dev-numbers/ranges', {
    config: admin,
    schema: { operationId: 'listDevRanges', tags: devTags, summary: 'DEV-1：本级收到和下发的号段', response: { 200: RangesResponse, ...errors } },
    handler: async (req) => listRanges(ctx, requireAdmin(req)),
  });
  app.post('/api/dev-numbers/ranges', {
    config: admin,
    schema: { operationId: 'issueDevRange', tags: devTags, summary: 'DEV-1：向直属下级下发号段', body: IssueRangeRequest, response: { 201: RangeSchema, ...errors } },
    handler: async (req, reply) => reply.code(201).send(await issueRange(ctx, requireAdmin(req), req.body)),
  });
  app.get('/api/dev-numbers/unused', {
    config: admin,
    schema: { operationId: 'unusedDevNumbers', tags: devTags, summary: 'DEV-2：号段中尚未使用也未说明的编号', querystring: UnusedNumbersQuery, response: { 200: UnusedNumbersResponse, ...errors } },
    handler: async (req) => unusedNumbers(ctx, requireAdmin(req), req.query.rangeId),
  });
  app.get('/api/dev-numbers/voids', {
    config: admin,
    schema: { operationId: 'listDevVoids', tags: devTags, summary: 'DEV-2：未使用编号登记（本级及下级）', querystring: z.strictObject(PageQuery), response: { 200: pageOf(VoidSchema), ...errors } },
    handler: async (req) => listVoids(ctx, requireAdmin(req), req.query),
  });
  app.post('/api/dev-numbers/voids', {
    config: admin,
    schema: { operationId: 'registerDevVoid', tags: devTags, summary: 'DEV-2：登记未使用编号及原因（逐级可见）', body: VoidRequest, response: { 201: pageOf(VoidSchema), ...errors } },
    handler: async (req, reply) => reply.code(201).send(await registerVoid(ctx, requireAdmin(req), req.body)),
  });

  const repTags = ['上报事项'];
  app.get('/api/reports', {
    config: admin,
    schema: { operationId: 'listReports', tags: repTags, summary: '上报事项：待本级处理 / 本级及下级上报 / 本级经手', querystring: ReportsQuery, response: { 200: pageOf(ReportSchema), ...errors } },
    handler: async (req) => listReports(ctx, requireAdmin(req), req.query),
  });
  app.get('/api/reports/:id', {
    config: admin,
    schema: { operationId: 'getReport', tags: repTags, summary: '上报事项详情', params: IdParams, response: { 200: ReportSchema, ...errors } },
    handler: async (req) => getReport(ctx, requireAdmin(req), req.params.id),
  });
  app.post('/api/reports/member-deletion', {
    config: admin,
    schema: { operationId: 'fileMemberDeletion', tags: repTags, summary: 'REP-1：上报信息录入错误的团员，申请后台删除', body: MemberDeletionRequest, response: { 201: ReportSchema, ...errors } },
    handler: async (req, reply) => reply.code(201).send(await fileMemberDeletion(ctx, requireAdmin(req), req.body)),
  });
  app.post('/api/reports/township-flag', {
    config: admin,
    schema: { operationId: 'fileTownshipFlag', tags: repTags, summary: 'REP-2：上报乡镇街道团委识别结果有误', body: TownshipFlagRequest, response: { 201: ReportSchema, ...errors } },
    handler: async (req, reply) => reply.code(201).send(await fileTownshipFlag(ctx, requireAdmin(req), req.body)),
  });
  app.post('/api/reports/:id/forward', {
    config: admin,
    schema: { operationId: 'forwardReport', tags: repTags, summary: '审核通过并转报上级（省级转报团中央后台）', params: IdParams, body: ForwardRequest, response: { 200: ReportSchema, ...errors } },
    handler: async (req) => forwardReport(ctx, requireAdmin(req), req.params.id, req.body),
  });
  app.post('/api/reports/:id/refuse', {
    config: admin,
    schema: { operationId: 'refuseReport', tags: repTags, summary: '退回上报事项（须填写理由）', params: IdParams, body: RefuseRequest, response: { 200: ReportSchema, ...errors } },
    handler: async (req) => refuseReport(ctx, requireAdmin(req), req.params.id, req.body),
  });
  app.post('/api/reports/:id/execute', {
    config: admin,
    schema: { operationId: 'executeReport', tags: repTags, summary: '团中央后台执行删除或更正', params: IdParams, body: ForwardRequest, response: { 200: ReportSchema, ...errors } },
    handler: async (req) => executeReport(ctx, requireAdmin(req), req.params.id, req.body),
  });
}
