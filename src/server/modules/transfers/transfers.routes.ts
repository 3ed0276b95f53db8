import { z } from 'zod';
import { IdParams, PageQuery, pageOf, ERROR_RESPONSES } from '../../../contracts/common';
import {
  AllocateNodeRequest,
  BatchApproveRequest,
  BatchApproveResponse,
  CancelTransferRequest,
  InboxItem,
  IssueLetterRequest,
  Letter,
  ListTransfersQuery,
  LookupMemberRequest,
  LookupMemberResponse,
  Notice,
  RejectNodeRequest,
  StartIncomingTransferRequest,
  StartMyTransferRequest,
  StartTransfersRequest,
  TargetOrg,
  TargetSearchQuery,
  TargetSuggestion,
  TargetSuggestionQuery,
  Transfer,
  TransferListItem,
} from '../../../contracts/transfers';
import type { AppContext } from '../../context';
import { requireAdmin, requireMember } from '../../http/auth';
import type { ZApp } from '../../http/types';
import {
  batchApprove,
  cancelMyTransfer,
  cancelTransfer,
  decideNode,
  getLetter,
  getTransfer,
  inbox,
  issueLetter,
  listNotices,
  listTransfers,
  lookupMember,
  memberReasonSet,
  myReasonSet,
  myTransfers,
  searchTargets,
  startIncomingTransfer,
  startMyTransfer,
  startTransfers,
  suggestTargets,
} from './transfers.service';

const errors = ERROR_RESPONSES;
const admin = { access: 'admin' as const };
const member = { access: 'member' as const };
const tags = ['组织关系转接'];
const Ids = z.object({ ids: z.array(z.number().int()) });
const PageOnly = z.strictObject(PageQuery);

export function registerTransferRoutes(app: ZApp, ctx: AppContext): void {
  app.post('/api/transfers', {
    config: admin,
    schema: { operationId: 'startTransfers', tags, summary: '转出发起：为本级及下级团员办理转出（可批量）', body: StartTransfersRequest, response: { 201: Ids, ...errors } },
    handler: async (req, reply) => reply.code(201).send(await startTransfers(ctx, requireAdmin(req), req.body)),
  });

  app.post('/api/transfers/incoming', {
    config: admin,
    schema: { operationId: 'startIncomingTransfer', tags, summary: '转入发起：按姓名和身份证号码查到团员后办理转入', body: StartIncomingTransferRequest, response: { 201: Ids, ...errors } },
    handler: async (req, reply) => reply.code(201).send(await startIncomingTransfer(ctx, requireAdmin(req), req.body)),
  });

  app.post('/api/transfer-member-lookup', {
    config: admin,
    schema: { operationId: 'lookupTransferMember', tags, summary: '转入发起前按姓名和身份证号码查询团员', body: LookupMemberRequest, response: { 200: LookupMemberResponse, ...errors } },
    handler: async (req) => lookupMember(ctx, requireAdmin(req), req.body.name, req.body.idNumber),
  });

  app.get('/api/transfer-reason-set', {
    config: admin,
    schema: {
      operationId: 'getTransferReasonSet',
      tags,
      summary: '团员适用的转接原因（学社衔接或普通）',
      querystring: z.strictObject({ memberId: z.coerce.number().int().positive() }),
      response: { 200: z.object({ schoolToSociety: z.boolean(), branchId: z.number().int() }), ...errors },
    },
    handler: async (req) => memberReasonSet(ctx, requireAdmin(req), req.query.memberId),
  });

  app.get('/api/transfers', {
    config: admin,
    schema: { operationId: 'listTransfers', tags, summary: '本级及下级转出、转入的组织关系转接', querystring: ListTransfersQuery, response: { 200: pageOf(TransferListItem), ...errors } },
    handler: async (req) => listTransfers(ctx, requireAdmin(req), req.query),
  });

  app.get('/api/transfers/:id', {
    config: admin,
    schema: { operationId: 'getTransfer', tags, summary: '组织关系转接详情（审批时间线）', params: IdParams, response: { 200: Transfer, ...errors } },
    handler: async (req) => getTransfer(ctx, requireAdmin(req), req.params.id),
  });

  app.post('/api/transfers/:id/cancel', {
    config: admin,
    schema: { operationId: 'cancelTransfer', tags, summary: '发起方撤销组织关系转接', params: IdParams, body: CancelTransferRequest, response: { 200: Transfer, ...errors } },
    handler: async (req) => cancelTransfer(ctx, requireAdmin(req), req.params.id, req.body.reason ?? null),
  });

  app.get('/api/transfer-inbox', {
    config: admin,
    schema: { operationId: 'listTransferInbox', tags, summary: '操作中心：待我处理的审批环节', querystring: PageOnly, response: { 200: pageOf(InboxItem), ...errors } },
    handler: async (req) => inbox(ctx, requireAdmin(req), req.query.page, req.query.pageSize),
  });

  app.get('/api/transfer-notices', {
    config: admin,
    schema: { operationId: 'listTransferNotices', tags, summary: '操作中心：提醒与办理结果', querystring: PageOnly, response: { 200: pageOf(Notice), ...errors } },
    handler: async (req) => listNotices(ctx, requireAdmin(req), req.query.page, req.query.pageSize),
  });

  app.post('/api/transfer-nodes/:id/approve', {
    config: admin,
    schema: { operationId: 'approveTransfer', tags, summary: '审批通过', params: IdParams, body: z.strictObject({}), response: { 200: Transfer, ...errors } },
    handler: async (req) => decideNode(ctx, requireAdmin(req), req.params.id, { action: 'approve' }),
  });

  app.post('/api/transfer-nodes/:id/reject', {
    config: admin,
    schema: { operationId: 'rejectTransfer', tags, summary: '退回（须填写理由，TR-8）', params: IdParams, body: RejectNodeRequest, response: { 200: Transfer, ...errors } },
    handler: async (req) => decideNode(ctx, requireAdmin(req), req.params.id, { action: 'reject', reason: req.body.reason }),
  });

  app.post('/api/transfer-nodes/:id/allocate', {
    config: admin,
    schema: { operationId: 'allocateTransfer', tags, summary: '分配团支部（TR-3，从不自动）', params: IdParams, body: AllocateNodeRequest, response: { 200: Transfer, ...errors } },
    handler: async (req) => decideNode(ctx, requireAdmin(req), req.params.id, { action: 'allocate', branchId: req.body.branchId }),
  });

  app.post('/api/transfer-nodes/batch-approve', {
    config: admin,
    schema: { operationId: 'batchApproveTransfers', tags, summary: '批量审批通过', body: BatchApproveRequest, response: { 200: BatchApproveResponse, ...errors } },
    handler: async (req) => batchApprove(ctx, requireAdmin(req), req.body.nodeIds),
  });

  app.get('/api/transfer-targets', {
    config: { access: 'session' },
    schema: { operationId: 'searchTransferTargets', tags, summary: '按名称的任意部分搜索转入组织（TR-7）', querystring: TargetSearchQuery, response: { 200: pageOf(TargetOrg), ...errors } },
    handler: async (req) => searchTargets(ctx, req.query),
  });

  app.get('/api/transfer-target-suggestions', {
    config: { access: 'session' },
    schema: {
      operationId: 'suggestTransferTargets',
      tags,
      summary: '根据转接原因和地址推荐转入组织',
      querystring: TargetSuggestionQuery.extend({ branchId: z.coerce.number().int().positive().optional() }).omit({ memberId: true }),
      response: { 200: z.array(TargetSuggestion), ...errors },
    },
    handler: async (req) => suggestTargets(ctx, req.query),
  });

  app.post('/api/transfer-letters', {
    config: admin,
    schema: { operationId: 'issueTransferLetter', tags, summary: '开具组织关系介绍信（TR-9）', body: IssueLetterRequest, response: { 201: Letter, ...errors } },
    handler: async (req, reply) => reply.code(201).send(await issueLetter(ctx, requireAdmin(req), req.body)),
  });

  app.get('/api/transfer-letters/:id', {
    config: admin,
    schema: { operationId: 'getTransferLetter', tags, summary: '组织关系介绍信', params: IdParams, response: { 200: Letter, ...errors } },
    handler: async (req) => getLetter(ctx, requireAdmin(req), req.params.id),
  });

  app.get('/api/me/transfer-reason-set', {
    config: member,
    schema: { operationId: 'getMyTransferReasonSet', tags: ['个人中心'], summary: '本人适用的转接原因（学社衔接或普通）', response: { 200: z.object({ schoolToSociety: z.boolean(), branchId: z.number().int() }), ...errors } },
    handler: async (req) => myReasonSet(ctx, requireMember(req)),
  });

  app.get('/api/me/transfers', {
    config: member,
    schema: { operationId: 'listMyTransfers', tags: ['个人中心'], summary: '我的组织关系转接', response: { 200: z.array(Transfer), ...errors } },
    handler: async (req) => myTransfers(ctx, requireMember(req)),
  });

  app.post('/api/me/transfers', {
    config: member,
    schema: { operationId: 'startMyTransfer', tags: ['个人中心'], summary: '团员本人申请组织关系转接', body: StartMyTransferRequest, response: { 201: Transfer, ...errors } },
    handler: async (req, reply) => reply.code(201).send(await startMyTransfer(ctx, requireMember(req), req.body)),
  });

  app.post('/api/me/transfers/:id/cancel', {
    config: member,
    schema: { operationId: 'cancelMyTransfer', tags: ['个人中心'], summary: '撤销本人发起的组织关系转接', params: IdParams, body: CancelTransferRequest, response: { 200: Transfer, ...errors } },
    handler: async (req) => cancelMyTransfer(ctx, requireMember(req), req.params.id, req.body.reason ?? null),
  });
}
