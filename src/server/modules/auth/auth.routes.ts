import {
  ChangePasswordRequest,
  LoginRequest,
  MfaConfirmRequest,
  MfaConfirmResponse,
  MfaEnrollment,
  MfaEnrollmentRequest,
  MfaStatus,
  MfaVerifyRequest,
  PasswordReauthRequest,
  RecoveryCodes,
  SessionResponse,
} from '../../../contracts/auth';
import { ErrorResponse, OkResponse } from '../../../contracts/common';
import type { AppContext } from '../../context';
import { cookieName, cookieOptions, requireActor } from '../../http/auth';
import type { ZApp } from '../../http/types';
import { changePassword, login, logout, sessionInfo } from './auth.service';
import { confirmEnrollment, mfaStatus, regenerateRecoveryCodes, startEnrollment, verifySecondFactor } from './mfa.service';

const errors = { 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 409: ErrorResponse, 429: ErrorResponse };

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
    config: { access: 'session-pending' },
    schema: { operationId: 'getSession', tags: ['账户'], summary: '当前会话', response: { 200: SessionResponse, ...errors } },
    handler: async (req) => sessionInfo(ctx, requireActor(req).personId, req.sessionCsrf!, req.sessionMfa),
  });

  app.post('/api/auth/logout', {
    config: { access: 'session-pending' },
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
      return sessionInfo(ctx, actor.personId, req.sessionCsrf!, req.sessionMfa);
    },
  });

  // ---- the admin second factor (issue 7) -------------------------------------------------------
  const mfaTags = ['账户', '二次验证'];

  app.post('/api/auth/mfa/verify', {
    config: { access: 'session-pending' },
    schema: {
      operationId: 'verifyMfa',
      tags: mfaTags,
      summary: '登录第二步：输入身份验证器的6位验证码或一个恢复码',
      body: MfaVerifyRequest,
      response: { 200: SessionResponse, ...errors },
    },
    handler: async (req) => {
      const actor = requireActor(req);
      await verifySecondFactor(ctx, actor, req.sessionMfa, req.body);
      return sessionInfo(ctx, actor.personId, req.sessionCsrf!, 'VERIFIED');
    },
  });

  app.post('/api/auth/mfa/enrollment', {
    config: { access: 'session-pending' },
    schema: {
      operationId: 'startMfaEnrollment',
      tags: mfaTags,
      summary: '绑定身份验证器：生成新密钥（首次登录时；已绑定者重新绑定须输入密码）',
      body: MfaEnrollmentRequest,
      response: { 200: MfaEnrollment, ...errors },
    },
    handler: async (req, reply) => {
      reply.header('cache-control', 'no-store');
      return startEnrollment(ctx, requireActor(req), req.sessionMfa, req.body.password);
    },
  });

  app.post('/api/auth/mfa/enrollment/confirm', {
    config: { access: 'session-pending' },
    schema: {
      operationId: 'confirmMfaEnrollment',
      tags: mfaTags,
      summary: '用验证码确认绑定；答复恢复码（仅显示这一次）',
      body: MfaConfirmRequest,
      response: { 200: MfaConfirmResponse, ...errors },
    },
    handler: async (req, reply) => {
      const actor = requireActor(req);
      const recoveryCodes = await confirmEnrollment(ctx, actor, req.sessionMfa, req.body.code);
      reply.header('cache-control', 'no-store');
      const state = req.sessionMfa === 'ENROLL' ? 'VERIFIED' : req.sessionMfa;
      return { recoveryCodes, session: await sessionInfo(ctx, actor.personId, req.sessionCsrf!, state) };
    },
  });

  app.get('/api/auth/mfa', {
    config: { access: 'session-any' },
    schema: { operationId: 'getMfaStatus', tags: mfaTags, summary: '本人二次验证状态', response: { 200: MfaStatus, ...errors } },
    handler: async (req) => mfaStatus(ctx, requireActor(req)),
  });

  app.post('/api/auth/mfa/recovery-codes', {
    config: { access: 'session' },
    schema: {
      operationId: 'regenerateRecoveryCodes',
      tags: mfaTags,
      summary: '重新生成恢复码（须输入密码；旧恢复码立即作废）',
      body: PasswordReauthRequest,
      response: { 200: RecoveryCodes, ...errors },
    },
    handler: async (req, reply) => {
      reply.header('cache-control', 'no-store');
      return { recoveryCodes: await regenerateRecoveryCodes(ctx, requireActor(req), req.body.password) };
    },
  });
}
