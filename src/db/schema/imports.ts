import { sql } from 'drizzle-orm';
import { boolean, check, customType, index, integer, jsonb, pgTable, primaryKey, serial, text, timestamp } from 'drizzle-orm/pg-core';

const bytea = customType<{ data: Buffer; driverData: Buffer | Uint8Array }>({
  dataType: () => 'bytea',
  fromDriver: (v) => (Buffer.isBuffer(v) ? v : Buffer.from(v)),
  toDriver: (v) => v,
});

/**
 * Excel imports as a resource (issue 2/7): an uploaded workbook, read and validated in the background
 * into staged rows, committed in one transaction, deleted after commit or expiry. The file stays
 * until then so the error workbook can be built from it.
 */
export const importJobs = pgTable(
  'import_jobs',
  {
    id: serial('id').primaryKey(),
    kind: text('kind').notNull(),
    status: text('status').notNull(),
    actorPersonId: integer('actor_person_id').notNull(),
    actorName: text('actor_name').notNull(),
    actingOrgId: integer('acting_org_id').notNull(),
    scopePath: text('scope_path').notNull(),
    targetOrgId: integer('target_org_id').notNull(),
    mode: text('mode').notNull(),
    fileName: text('file_name').notNull(),
    // The uploaded workbook, encrypted like other personal data; dropped after commit or expiry.
    file: bytea('file'),
    fileSize: integer('file_size').notNull(),
    totalRows: integer('total_rows').notNull().default(0),
    errorRows: integer('error_rows').notNull().default(0),
    warningRows: integer('warning_rows').notNull().default(0),
    progress: integer('progress').notNull().default(0),
    message: text('message'),
    committedRows: integer('committed_rows'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    index('import_jobs_expires_idx').on(t.expiresAt),
    check('import_jobs_status', sql`${t.status} IN ('READING','VALIDATED','FAILED','COMMITTING','COMMITTED','EXPIRED')`),
  ],
);

export const importRows = pgTable(
  'import_rows',
  {
    jobId: integer('job_id')
      .notNull()
      .references(() => importJobs.id, { onDelete: 'cascade' }),
    rowNo: integer('row_no').notNull(),
    // The row's name as typed (shown beside its problems); never an ID number or phone.
    label: text('label'),
    data: jsonb('data'),
    problems: jsonb('problems').$type<{ column: string; message: string; severity: 'error' | 'warning' }[]>().notNull(),
    hasError: boolean('has_error').notNull(),
  },
  (t) => [primaryKey({ columns: [t.jobId, t.rowNo] })],
);
