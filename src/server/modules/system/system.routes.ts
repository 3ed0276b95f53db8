import { z } from 'zod';
import { ErrorResponse } from '../../../contracts/common';
import { JOBS } from '../../../jobs/scheduler';
import { withJobLock } from '../../../jobs/lock';
import { MovableClock } from '../../../lib/clock';
import type { AppContext } from '../../context';
import { sendError } from '../../http/errors';
import type { ZApp } from '../../http/types';

export function registerSystemRoutes(app: ZApp, ctx: AppContext): void {
  app.get('/api/health', {
    config: { access: 'public' },
    schema: {
      operationId: 'getHealth',
      tags: ['系统'],
      summary: '服务是否就绪',
      response: { 200: z.object({ status: z.literal('ok'), database: z.enum(['pglite', 'postgres']), now: z.string() }) },
    },
    handler: async () => ({ status: 'ok' as const, database: ctx.database.kind, now: ctx.clock.now().toISOString() }),
  });

  // Test-only: moves the server's clock. Not even registered (so absent from the OpenAPI document)
  // unless ZHTJ_TEST_API=1, which loadConfig refuses in production.
  if (!ctx.config.testApi) return;
  app.post('/api/test/clock', {
    config: { access: 'public' },
    schema: {
      operationId: 'setClock',
      tags: ['测试'],
      summary: '设置服务器时间（仅 ZHTJ_TEST_API=1 时可用）',
      body: z.strictObject({ now: z.iso.datetime({ offset: true }) }),
      response: { 200: z.object({ now: z.string() }), 404: ErrorResponse },
    },
    handler: async (req, reply) => {
      if (!(ctx.clock instanceof MovableClock)) return sendError(reply, 'TEST_API_DISABLED');
      ctx.clock.set(new Date(req.body.now));
      return { now: ctx.clock.now().toISOString() };
    },
  });

  app.post('/api/test/jobs/:name', {
    config: { access: 'public' },
    schema: {
      operationId: 'runJobNow',
      tags: ['测试'],
      summary: '立即运行一个定时任务（仅 ZHTJ_TEST_API=1 时可用）',
      params: z.strictObject({ name: z.string().max(64) }),
      response: { 200: z.object({ name: z.string(), ran: z.boolean() }), 404: ErrorResponse },
    },
    handler: async (req, reply) => {
      const job = JOBS.find((j) => j.name === req.params.name);
      if (!job) return sendError(reply, 'ROUTE_NOT_FOUND');
      const ran = await withJobLock(ctx, job.lockKey, () => job.run(ctx));
      return { name: job.name, ran };
    },
  });
}
