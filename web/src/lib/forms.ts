import type { FormInstance } from 'antd';
import type { Rule } from 'antd/es/form';
import dayjs, { type Dayjs } from 'dayjs';
import type { z } from 'zod';
import { ApiError } from '../api/client';

/**
 * A form-field rule from the server's own zod schema (STYLE.md: one schema everywhere), so the browser
 * shows the same Chinese message the API would answer. An empty field is tried as '' first (so a
 * required text says "…不能为空") and then as absent (so optional fields pass).
 */
export function zodRule(schema: z.ZodType): Rule {
  return {
    validator: async (_rule, value: unknown) => {
      if (value === undefined || value === null || value === '') {
        const asEmpty = schema.safeParse('');
        if (asEmpty.success) return;
        if (schema.safeParse(undefined).success) return;
        throw new Error(asEmpty.error.issues[0]?.message ?? '请填写');
      }
      const r = schema.safeParse(typeof value === 'string' ? value.trim() : value);
      if (!r.success) throw new Error(r.error.issues[0]?.message ?? '格式不正确');
    },
  };
}

/** Shape-level check before sending: every issue lands on its field; returns false if any. */
export function checkWithSchema(form: FormInstance, schema: z.ZodType, payload: unknown): boolean {
  const r = schema.safeParse(payload);
  if (r.success) return true;
  const byField = new Map<string, string[]>();
  for (const issue of r.error.issues) {
    const field = String(issue.path[0] ?? '');
    byField.set(field, [...(byField.get(field) ?? []), issue.message]);
  }
  const known = new Set(Object.keys(form.getFieldsValue(true) as object));
  form.setFields([...byField].filter(([f]) => known.has(f)).map(([name, errors]) => ({ name, errors })));
  return false;
}

/**
 * Puts the server's `details[].field` messages on the form's fields. Returns the messages that have
 * no field on this form, to show above it.
 */
export function applyServerErrors(form: FormInstance, err: unknown): string[] {
  if (!(err instanceof ApiError)) return [];
  const known = new Set(Object.keys(form.getFieldsValue(true) as object));
  const byField = new Map<string, string[]>();
  const rest: string[] = [];
  for (const d of err.details) {
    const field = d.field?.split('.')[0];
    if (field && known.has(field)) byField.set(field, [...(byField.get(field) ?? []), d.message]);
    else rest.push(d.message);
  }
  form.setFields([...byField].map(([name, errors]) => ({ name, errors })));
  return rest;
}

/** '' and whitespace become null, so a cleared field clears the stored value. */
export function emptyToNull<T extends Record<string, unknown>>(values: T): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(values)) {
    if (v === undefined) continue;
    out[k] = typeof v === 'string' && v.trim() === '' ? null : typeof v === 'string' ? v.trim() : v;
  }
  return out as T;
}

/** Only the fields whose value differs from the record, for PATCH (keeps the audit log meaningful). */
export function changedFields<T extends Record<string, unknown>>(values: T, record: Record<string, unknown>): Partial<T> {
  const out: Partial<T> = {};
  for (const [k, v] of Object.entries(values) as [keyof T & string, T[keyof T & string]][]) {
    const before = record[k] ?? null;
    if ((v ?? null) !== before) out[k] = v;
  }
  return out;
}

// Form fields hold the API's strings ('YYYY-MM', 'YYYY-MM-DD'); pickers get dayjs values.
export const monthField = {
  getValueProps: (v: unknown) => ({ value: typeof v === 'string' && v ? dayjs(v, 'YYYY-MM') : undefined }),
  normalize: (d: Dayjs | null) => (d ? d.format('YYYY-MM') : undefined),
};
export const dateField = {
  getValueProps: (v: unknown) => ({ value: typeof v === 'string' && v ? dayjs(v, 'YYYY-MM-DD') : undefined }),
  normalize: (d: Dayjs | null) => (d ? d.format('YYYY-MM-DD') : undefined),
};
