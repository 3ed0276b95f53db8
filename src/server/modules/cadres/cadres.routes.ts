import { z } from 'zod';
import { Cadre, ChangeCadrePositionRequest, CreateCadreRequest, EndCadreRequest, ListCadresQuery } from '../../../contracts/cadres';
import { IdParams, pageOf, ERROR_RESPONSES } from '../../../contracts/common';
import type { AppContext } from '../../context';
import { requireAdmin } from '../../http/auth';
import type { ZApp } from '../../http/types';
import { cadreHistory, changeCadrePosition, createCadre, endCadre, listCadres } from './cadres.service';

const errors = ERROR_RESPONSES;
const admin = { access: 'admin' as const };
const tags = ['团干部'];

export function registerCadreRoutes(app: ZApp, ctx: AppContext): void {
  app.get('/api/cadres', {
    config: admin,
    schema: { operationId: 'listCadres', tags, summary: '本级团干部列表', querystring: ListCadresQuery, response: { 200: pageOf(Cadre), ...errors } },
    handler: async (req) => listCadres(ctx, requireAdmin(req), req.query),
  });

  app.post('/api/cadres', {
    config: admin,
    schema: { operationId: 'createCadre', tags, summary: '录入本级团干部（CAD-1）', body: CreateCadreRequest, response: { 201: Cadre, ...errors } },
    handler: async (req, reply) => reply.code(201).send(await createCadre(ctx, requireAdmin(req), req.body)),
  });

  app.post('/api/cadres/:id/change', {
    config: admin,
    schema: {
      operationId: 'changeCadrePosition',
      tags,
      summary: '团干部职务变更（保留历史，CAD-3）',
      params: IdParams,
      body: ChangeCadrePositionRequest,
      response: { 200: Cadre, ...errors },
    },
    handler: async (req) => changeCadrePosition(ctx, requireAdmin(req), req.params.id, req.body),
  });

  app.post('/api/cadres/:id/end', {
    config: admin,
    schema: { operationId: 'endCadre', tags, summary: '团干部卸任', params: IdParams, body: EndCadreRequest, response: { 200: Cadre, ...errors } },
    handler: async (req) => endCadre(ctx, requireAdmin(req), req.params.id, req.body),
  });

  app.get('/api/cadres/:id/history', {
    config: admin,
    schema: { operationId: 'getCadreHistory', tags, summary: '此人在该组织的任职历史', params: IdParams, response: { 200: z.object({ items: z.array(Cadre) }), ...errors } },
    handler: async (req) => ({ items: await cadreHistory(ctx, requireAdmin(req), req.params.id) }),
  });
}
