import { z } from 'zod';
import { isDate, isYearMonth } from '../domain/dates';

// Chinese messages for every generic validation failure, on the server and in the browser.
z.config(z.locales.zhCN());

export const MAX_PAGE_SIZE = 100;

export const Id = z.coerce.number().int().positive().max(2_147_483_647);
export const IdParams = z.strictObject({ id: Id });

export const YearMonth = z.string().refine(isYearMonth, { message: '应为“YYYY-MM”格式的年月，例如 2023-09' });
export const DateString = z.string().refine(isDate, { message: '应为“YYYY-MM-DD”格式的日期' });

/** Optional free text: trimmed, empty means "not given". */
export const OptionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max, { message: `最多${max}个字符` })
    .transform((s) => (s === '' ? null : s))
    .nullable()
    .optional();

export const RequiredText = (max: number, label: string) =>
  z.string().trim().min(1, { message: `${label}不能为空` }).max(max, { message: `${label}最多${max}个字符` });

export const PageQuery = {
  page: z.coerce.number().int().min(1).max(1_000_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(20),
};

export function pageOf<T extends z.ZodType>(item: T) {
  return z.object({
    items: z.array(item),
    total: z.number().int(),
    /** True when `total` is the planner's estimate (very large lists); the UI shows “约”. */
    totalIsEstimate: z.boolean().optional(),
    page: z.number().int(),
    pageSize: z.number().int(),
  });
}

export interface Page<T> {
  items: T[];
  total: number;
  totalIsEstimate?: boolean;
  page: number;
  pageSize: number;
}

export const ErrorResponse = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    details: z.array(z.object({ field: z.string().optional(), code: z.string().optional(), message: z.string() })),
  }),
});

/** The error answers of an operation, for its OpenAPI `response` (SPEC.md API conventions). */
export const ERROR_RESPONSES = { 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse, 422: ErrorResponse };

/** Query-string booleans arrive as text. */
export const QueryBool = z.enum(['true', 'false']).transform((v) => v === 'true');

export const OkResponse = z.object({ ok: z.literal(true) });
