import { z } from 'zod';
import { ErrorResponse } from '../../../contracts/common';
import { Region, RegionPathParams, RegionQuery } from '../../../contracts/orgs';
import { DomainError } from '../../../domain/errors';
import { hasRegionChildren, regionChildren, regionPath } from '../../../lib/regions';
import type { AppContext } from '../../context';
import type { ZApp } from '../../http/types';

export function registerRegionRoutes(app: ZApp, _ctx: AppContext): void {
  app.get('/api/regions', {
    config: { access: 'session' },
    schema: {
      operationId: 'listRegions',
      tags: ['行政区划'],
      summary: '行政区划的下一级（省→市→县→乡镇街道）',
      querystring: RegionQuery,
      response: { 200: z.object({ items: z.array(Region) }), 400: ErrorResponse, 401: ErrorResponse },
    },
    handler: async (req) => ({
      items: regionChildren(req.query.parentCode).map((r) => ({
        code: r.code,
        name: r.name,
        level: r.level,
        hasChildren: r.level !== 'TOWNSHIP' && hasRegionChildren(r.code),
      })),
    }),
  });

  app.get('/api/regions/:code', {
    config: { access: 'session' },
    schema: {
      operationId: 'getRegionPath',
      tags: ['行政区划'],
      summary: '某一行政区划从省级开始的路径',
      params: RegionPathParams,
      response: { 200: z.object({ path: z.array(Region) }), 401: ErrorResponse, 404: ErrorResponse },
    },
    handler: async (req) => {
      const path = regionPath(req.params.code);
      if (path.length === 0) throw new DomainError('NOT_FOUND', '行政区划代码不存在');
      return { path: path.map((r) => ({ code: r.code, name: r.name, level: r.level, hasChildren: r.level !== 'TOWNSHIP' })) };
    },
  });
}
