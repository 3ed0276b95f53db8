import { ChangePasswordRequest, LoginRequest, SessionResponse } from '../../../contracts/auth';
import { ErrorResponse, OkResponse } from '../../../contracts/common';
import type { AppContext } from '../../context';
import { cookieName, cookieOptions, requireActor } from '../../http/auth';
import type { ZApp } from '../../http/types';
import { changePassword, login, logout, sessionInfo } from './auth.service';

const errors = { 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 429: ErrorResponse };

export function registerAuthRoutes(app: ZApp, ctx: AppContext): void {
  const cookie = cookieName(ctx.config.cookieSecure);

  app.post('/api/auth/login', {
    config: { access: 'public' },
    schema: {
      operationId: 'login',
      tags: ['账户'],
      summary: '用身份证号码和密码登录',
      body: LoginRequest,
      response: { 200: SessionResponse, ...errors },
    },
    handler: async (req, reply) => {
      const { token, session } = await login(ctx, req.body, { ip: req.ip, requestId: req.id });
      reply.setCookie(cookie, token, cookieOptions(ctx.config.cookieSecure));
      return session;
    },
  });

  app.get('/api/auth/session', {
    config: { access: 'session-any' },
    schema: { operationId: 'getSession', tags: ['账户'], summary: '当前会话', response: { 200: SessionResponse, ...errors } },
    handler: async (req) => sessionInfo(ctx, requireActor(req).personId, req.sessionCsrf!),
  });

  app.post('/api/auth/logout', {
    config: { access: 'session-any' },
    schema: { operationId: 'logout', tags: ['账户'], summary: '退出登录', response: { 200: OkResponse, ...errors } },
    handler: async (req, reply) => {
      await logout(ctx, requireActor(req));
      reply.clearCookie(cookie, cookieOptions(ctx.config.cookieSecure));
      return { ok: true as const };
    },
  });

  app.post('/api/auth/password', {
    config: { access: 'session-any' },
    schema: {
      operationId: 'changePassword',
      tags: ['账户'],
      summary: '修改密码（首次登录必须修改初始密码）',
      body: ChangePasswordRequest,
      response: { 200: SessionResponse, ...errors },
    },
    handler: async (req) => {
      const actor = requireActor(req);
      await changePassword(ctx, actor, req.body);
      return sessionInfo(ctx, actor.personId, req.sessionCsrf!);
    },
  });
}
