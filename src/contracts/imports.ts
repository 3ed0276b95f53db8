import { z } from 'zod';
import { Id, PageQuery, QueryBool } from './common';

export const IMPORT_KINDS = ['MEMBERS', 'CADRES', 'DESTINATIONS'] as const;
export const ImportKindName = z.enum(IMPORT_KINDS);

export const IMPORT_STATUSES = ['READING', 'VALIDATED', 'FAILED', 'COMMITTING', 'COMMITTED', 'EXPIRED'] as const;

export const UploadImportQuery = z.strictObject({
  kind: ImportKindName,
  /** A 团支部 (branch mode), a committee (multi-branch mode, 所在团支部 column) or, for cadres, the committee itself. */
  orgId: Id,
  fileName: z.string().trim().min(1).max(200).default('导入.xlsx'),
});

export const ImportJob = z.object({
  id: z.number().int(),
  kind: ImportKindName,
  status: z.enum(IMPORT_STATUSES),
  mode: z.enum(['BRANCH', 'MULTI', 'ORG']),
  targetOrgId: z.number().int(),
  fileName: z.string(),
  progress: z.number().int().describe('0–100'),
  totalRows: z.number().int(),
  errorRows: z.number().int(),
  warningRows: z.number().int(),
  validRows: z.number().int(),
  committedRows: z.number().int().nullable(),
  message: z.string().nullable(),
  createdAt: z.string(),
  expiresAt: z.string(),
  can: z.object({ commit: z.boolean(), commitValid: z.boolean(), errorWorkbook: z.boolean() }),
});
export type ImportJob = z.infer<typeof ImportJob>;

export const ImportProblem = z.object({ column: z.string(), message: z.string(), severity: z.enum(['error', 'warning']) });
export const ImportRowItem = z.object({ rowNo: z.number().int(), label: z.string().nullable(), hasError: z.boolean(), problems: z.array(ImportProblem) });
export type ImportRowItem = z.infer<typeof ImportRowItem>;

export const ImportRowsQuery = z.strictObject({ ...PageQuery, errorsOnly: QueryBool.optional() });

export const CommitImportRequest = z.strictObject({
  /** Import only the rows without errors; the others come back as a workbook. */
  onlyValid: z.boolean().default(false),
});

export const TemplateQuery = z.strictObject({ kind: ImportKindName });
