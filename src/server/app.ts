import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fastifyCookie from '@fastify/cookie';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyRequest, type FastifyServerOptions } from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { maskDigitRuns } from '../domain/masking';
import { webDistDir } from '../lib/paths';
import type { AppContext } from './context';
import { installAuth } from './http/auth';
import { installErrorHandler, sendError } from './http/errors';
import { installSecurityHeaders } from './http/security-headers';
import type { ZApp } from './http/types';
import { ROUTE_MODULES } from './modules';

/** One registered route, as the authorization matrix test enumerates them (issue 7, SEC-1). */
export interface RegisteredRoute {
  method: string;
  url: string;
  access: string | undefined;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Every route registered on this instance (HEAD twins excluded), in registration order. */
    readonly routeList: readonly RegisteredRoute[];
  }
}

export interface BuildOptions {
  logger?: FastifyServerOptions['logger'];
  /** Serve the built web app from web/dist (production); tests leave it off. */
  serveWeb?: boolean;
}

/** Logs never carry secrets or personal data (SEC-3, ASVS 16.2.5). */
const REDACT = [
  'req.headers.cookie',
  'req.headers["x-csrf-token"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.currentPassword',
  '*.newPassword',
  '*.idNumber',
  '*.phone',
];

/** The request as logged: a URL may carry an ID number or phone (`?idNumber=`), masked here. */
function logRequest(req: FastifyRequest) {
  return { method: req.method, url: maskDigitRuns(req.url), host: req.host, remoteAddress: req.ip, remotePort: req.socket?.remotePort };
}

export async function buildApp(ctx: AppContext, opts: BuildOptions = {}): Promise<ZApp> {
  const app = Fastify({
    logger: opts.logger ?? false,
    bodyLimit: ctx.config.bodyLimitBytes,
    genReqId: () => randomUUID(),
    requestIdHeader: false,
    trustProxy: process.env.TRUST_PROXY === '1',
    routerOptions: { maxParamLength: 200 },
    // A malformed percent-encoding in the path is refused before routing; answer it in the error shape
    // like every other 400 (issue 7 item 6: found by the hostile-input fuzz).
    frameworkErrors: (_err, _req, reply) => void sendError(reply, 'BAD_REQUEST', '请求地址格式错误'),
    ...(opts.logger ? { logger: { ...(typeof opts.logger === 'object' ? opts.logger : {}), redact: REDACT, serializers: { req: logRequest } } } : {}),
  }).withTypeProvider<ZodTypeProvider>();

  // Collected before any plugin registers routes, so nothing escapes the matrix test.
  const routeList: RegisteredRoute[] = [];
  app.decorate('routeList', routeList);
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) {
      if (method === 'HEAD') continue;
      routeList.push({ method, url: route.url, access: route.config?.access });
    }
  });

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  installErrorHandler(app, ctx);
  installSecurityHeaders(app, { hsts: ctx.config.cookieSecure });

  await app.register(fastifyCookie);
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.0.3',
      info: { title: '智慧团建 API', description: '共青团员与团组织管理系统的接口。错误统一为 { error: { code, message, details } }。', version: '1.0.0' },
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: 'zhtj_session' },
          csrf: { type: 'apiKey', in: 'header', name: 'x-csrf-token' },
          org: { type: 'apiKey', in: 'header', name: 'x-org-id' },
        },
      },
    },
    transform: jsonSchemaTransform,
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/api/docs' });

  installAuth(app, ctx);
  for (const register of ROUTE_MODULES) register(app, ctx);

  app.get('/api/openapi.json', { config: { access: 'public' }, schema: { hide: true } }, async () => app.swagger());

  const serveWeb = opts.serveWeb && existsSync(join(webDistDir, 'index.html'));
  if (serveWeb) {
    await app.register(fastifyStatic, {
      root: webDistDir,
      wildcard: false,
      index: ['index.html'],
      // scripts/build.mjs writes .br/.gz copies; file names under /assets/ carry a content hash.
      preCompressed: true,
      setHeaders: (reply, path) => {
        // Hashed names never change content; index.html names the current ones, so it is always revalidated.
        reply.header('cache-control', path.includes('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache');
      },
    });
  }
  app.setNotFoundHandler((req, reply) => {
    // The single-page app owns every non-API GET path (client-side routes).
    if (serveWeb && req.method === 'GET' && !req.url.startsWith('/api')) {
      return reply.sendFile('index.html');
    }
    return sendError(reply, 'ROUTE_NOT_FOUND', `接口不存在：${req.method} ${req.url.split('?')[0]}`);
  });

  return app;
}
