import { ErrorResponse, IdParams, pageOf } from '../../../contracts/common';
import { CommitImportRequest, ImportJob, ImportRowItem, ImportRowsQuery, TemplateQuery, UploadImportQuery } from '../../../contracts/imports';
import { contentDisposition } from '../../../lib/xlsx';
import { MAX_UPLOAD_BYTES } from '../../../lib/xlsx-guard';
import type { AppContext } from '../../context';
import { requireAdmin } from '../../http/auth';
import type { ZApp } from '../../http/types';
import { templateWorkbook } from './engine';
import { commitImport, getImport, IMPORT_KINDS, importErrorWorkbook, listImportRows, uploadImport } from './imports.service';

const errors = { 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse, 413: ErrorResponse, 422: ErrorResponse };
const admin = { access: 'admin' as const };
const tags = ['导入导出'];
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export function registerImportRoutes(app: ZApp, ctx: AppContext): void {
  // The file is the request body itself (no multipart): its bytes are checked, never its name or type.
  app.addContentTypeParser([XLSX, 'application/octet-stream'], { parseAs: 'buffer', bodyLimit: MAX_UPLOAD_BYTES }, (_req, body, done) => done(null, body));

  app.get('/api/imports/template', {
    config: admin,
    schema: { operationId: 'importTemplate', tags, summary: '下载导入模板（团员团干部 / 本级团干部）', querystring: TemplateQuery, produces: [XLSX], response: errors },
    handler: async (req, reply) => {
      requireAdmin(req);
      const kind = IMPORT_KINDS[req.query.kind]!;
      reply.header('content-type', XLSX).header('content-disposition', contentDisposition(`${kind.title}.xlsx`));
      return reply.send((await templateWorkbook(kind)) as never);
    },
  });

  app.post('/api/imports', {
    config: admin,
    bodyLimit: MAX_UPLOAD_BYTES,
    schema: {
      operationId: 'uploadImport',
      tags,
      summary: '上传导入文件（请求体为 xlsx 文件本身，最大 20 MB）；后台逐行校验',
      querystring: UploadImportQuery,
      consumes: [XLSX, 'application/octet-stream'],
      response: { 202: ImportJob, ...errors },
    },
    handler: async (req, reply) => {
      const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      return reply.code(202).send(await uploadImport(ctx, requireAdmin(req), req.query, body));
    },
  });

  app.get('/api/imports/:id', {
    config: admin,
    schema: { operationId: 'getImport', tags, summary: '导入进度与校验结果', params: IdParams, response: { 200: ImportJob, ...errors } },
    handler: async (req) => getImport(ctx, requireAdmin(req), req.params.id),
  });

  app.get('/api/imports/:id/rows', {
    config: admin,
    schema: { operationId: 'listImportRows', tags, summary: '有问题的行（行号、列、原因），分页', params: IdParams, querystring: ImportRowsQuery, response: { 200: pageOf(ImportRowItem), ...errors } },
    handler: async (req) => listImportRows(ctx, requireAdmin(req), req.params.id, req.query),
  });

  app.get('/api/imports/:id/error-workbook', {
    config: admin,
    schema: { operationId: 'importErrorWorkbook', tags, summary: '下载带“错误说明”列的原工作簿（导入后为未导入的行）', params: IdParams, produces: [XLSX], response: errors },
    handler: async (req, reply) => {
      const { stream, fileName } = await importErrorWorkbook(ctx, requireAdmin(req), req.params.id, (err) => req.log.error({ err }, 'error workbook failed'));
      reply.header('content-type', XLSX).header('content-disposition', contentDisposition(fileName));
      return reply.send(stream as never);
    },
  });

  app.post('/api/imports/:id/commit', {
    config: admin,
    schema: {
      operationId: 'commitImport',
      tags,
      summary: '确认导入（全部无误时；或 onlyValid 仅导入无误的行），在一个事务中写入',
      params: IdParams,
      body: CommitImportRequest,
      response: { 202: ImportJob, ...errors },
    },
    handler: async (req, reply) => reply.code(202).send(await commitImport(ctx, requireAdmin(req), req.params.id, req.body)),
  });
}
