import { z } from 'zod';
import { IdParams, OkResponse, pageOf, ERROR_RESPONSES } from '../../../contracts/common';
import {
  CreateOrgRequest,
  FullNameSuggestionQuery,
  ListChildrenQuery,
  MoveOrgRequest,
  Org,
  OrgFindingsQuery,
  OrgSummary,
  OrgWithPath,
  SearchOrgsQuery,
  UpdateOrgRequest,
} from '../../../contracts/orgs';
import { OrgKind } from '../../../contracts/enums';
import { suggestFullName } from '../../../domain/orgs';
import type { AppContext } from '../../context';
import { requireAdmin } from '../../http/auth';
import type { ZApp } from '../../http/types';
import { orgFindings } from './orgs.findings';
import { createOrg, deleteOrg, getChildren, getOrg, moveOrg, orgInScopeOr404, searchOrgs, updateOrg } from './orgs.service';

const errors = ERROR_RESPONSES;
const admin = { access: 'admin' as const };
const tags = ['组织'];

export function registerOrgRoutes(app: ZApp, ctx: AppContext): void {
  app.get('/api/orgs/:id', {
    config: admin,
    schema: { operationId: 'getOrg', tags, summary: '组织详情', params: IdParams, response: { 200: Org, ...errors } },
    handler: async (req) => getOrg(ctx, requireAdmin(req), req.params.id),
  });

  app.get('/api/orgs/:id/children', {
    config: admin,
    schema: {
      operationId: 'listOrgChildren',
      tags,
      summary: '直属下级组织（组织树按需加载）',
      params: IdParams,
      querystring: ListChildrenQuery,
      response: { 200: pageOf(OrgSummary), ...errors },
    },
    handler: async (req) => getChildren(ctx, requireAdmin(req), req.params.id, req.query.page, req.query.pageSize),
  });

  app.get('/api/orgs', {
    config: admin,
    schema: {
      operationId: 'searchOrgs',
      tags,
      summary: '按名称搜索本级及下级组织',
      querystring: SearchOrgsQuery,
      response: { 200: pageOf(OrgWithPath), ...errors },
    },
    handler: async (req) => searchOrgs(ctx, requireAdmin(req), req.query),
  });

  app.get('/api/org-findings', {
    config: admin,
    schema: {
      operationId: 'listOrgFindings',
      tags,
      summary: '需要整改的组织清单（ORG-2、ORG-4、ORG-5）',
      querystring: OrgFindingsQuery,
      response: {
        200: pageOf(z.object({ id: z.number().int(), name: z.string(), fullName: z.string(), kind: OrgKind, memberCount: z.number().int(), schoolCode: z.string().nullable() })),
        ...errors,
      },
    },
    handler: async (req) => orgFindings(ctx, requireAdmin(req), req.query),
  });

  app.get('/api/org-full-name-suggestion', {
    config: admin,
    schema: {
      operationId: 'suggestOrgFullName',
      tags,
      summary: '根据上级组织和简称建议组织全称（ORG-9）',
      querystring: FullNameSuggestionQuery,
      response: { 200: z.object({ fullName: z.string() }), ...errors },
    },
    handler: async (req) => {
      const parent = await orgInScopeOr404(ctx, requireAdmin(req), req.query.parentId);
      return { fullName: suggestFullName(req.query.kind, req.query.name, parent.fullName) };
    },
  });

  app.post('/api/orgs', {
    config: admin,
    schema: { operationId: 'createOrg', tags, summary: '新建下级组织', body: CreateOrgRequest, response: { 201: Org, ...errors } },
    handler: async (req, reply) => reply.code(201).send(await createOrg(ctx, requireAdmin(req), req.body)),
  });

  app.patch('/api/orgs/:id', {
    config: admin,
    schema: { operationId: 'updateOrg', tags, summary: '修改组织信息', params: IdParams, body: UpdateOrgRequest, response: { 200: Org, ...errors } },
    handler: async (req) => updateOrg(ctx, requireAdmin(req), req.params.id, req.body),
  });

  app.post('/api/orgs/:id/move', {
    config: admin,
    schema: { operationId: 'moveOrg', tags, summary: '把组织（连同下级）移到新的上级组织', params: IdParams, body: MoveOrgRequest, response: { 200: Org, ...errors } },
    handler: async (req) => moveOrg(ctx, requireAdmin(req), req.params.id, req.body.newParentId),
  });

  app.delete('/api/orgs/:id', {
    config: admin,
    schema: { operationId: 'deleteOrg', tags, summary: '删除空组织（ORG-7）', params: IdParams, response: { 200: OkResponse, ...errors } },
    handler: async (req) => {
      await deleteOrg(ctx, requireAdmin(req), req.params.id);
      return { ok: true as const };
    },
  });
}
