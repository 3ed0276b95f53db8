import { sql } from 'drizzle-orm';
import { bigserial, boolean, char, check, index, integer, jsonb, pgTable, primaryKey, serial, smallint, text, timestamp, varchar } from 'drizzle-orm/pg-core';
import { customType } from 'drizzle-orm/pg-core';
import { orgs } from './core';

// Supervision (ST, DEV, REP). The two rollup tables are maintained ONLY by the statement-level
// triggers of drizzle/*_supervision_rollups.sql: application code never writes them.

const orgPath = customType<{ data: string }>({ dataType: () => 'text COLLATE "C"' });

/**
 * Member counts of one branch (keyed by branch id, so moving an org never touches them). Read-only:
 * since drizzle/0012 (as org_rollups since 0010) this name is a view of branch_stats_base + pending
 * branch_stat_deltas, which the triggers append and the fold job folds; declared as a table here for
 * typed reads only.
 */
export const branchStats = pgTable('branch_stats', {
  branchId: integer('branch_id').primaryKey(),
  active: integer('active').notNull().default(0),
  complete: integer('complete').notNull().default(0),
  since2017: integer('since_2017').notNull().default(0),
  since2019: integer('since_2019').notNull().default(0),
  late2019: integer('late_2019').notNull().default(0),
});

/** Every figure of an org's whole subtree (itself included): a dashboard reads one row per child. */
export const orgRollups = pgTable('org_rollups', {
  orgId: integer('org_id').primaryKey(),
  membersActive: integer('members_active').notNull().default(0),
  membersComplete: integer('members_complete').notNull().default(0),
  membersSince2017: integer('members_since_2017').notNull().default(0),
  membersSince2019: integer('members_since_2019').notNull().default(0),
  membersLate2019: integer('members_late_2019').notNull().default(0),
  branches: integer('branches').notNull().default(0),
  branchesEntered: integer('branches_entered').notNull().default(0),
  schoolBranches: integer('school_branches').notNull().default(0),
  schoolBranchesMarked: integer('school_branches_marked').notNull().default(0),
  schoolMembers: integer('school_members').notNull().default(0),
  schools: integer('schools').notNull().default(0),
});

/** ST-1: the annual 团统数 of an org, entered by a leadership org above (or for itself). */
export const leagueCensus = pgTable(
  'league_census',
  {
    orgId: integer('org_id').notNull().references(() => orgs.id),
    year: smallint('year').notNull(),
    count: integer('count').notNull(),
    enteredByOrgId: integer('entered_by_org_id').notNull().references(() => orgs.id),
    enteredBy: integer('entered_by').notNull(),
    enteredAt: timestamp('entered_at', { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.year] }), check('league_census_count_nonneg', sql`${t.count} >= 0`)],
);

/** DEV-1: a range of 发展团员编号 issued by an org to a direct subordinate (12-digit strings). */
export const devNumberRanges = pgTable(
  'dev_number_ranges',
  {
    id: serial('id').primaryKey(),
    issuerOrgId: integer('issuer_org_id').notNull().references(() => orgs.id),
    recipientOrgId: integer('recipient_org_id').notNull().references(() => orgs.id),
    recipientPath: orgPath('recipient_path').notNull(),
    startNumber: char('start_number', { length: 12 }).notNull(),
    endNumber: char('end_number', { length: 12 }).notNull(),
    size: integer('size').notNull(),
    issuedBy: integer('issued_by').notNull(),
    issuedAt: timestamp('issued_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    index('dev_number_ranges_recipient_idx').on(t.recipientOrgId),
    index('dev_number_ranges_issuer_idx').on(t.issuerOrgId),
    index('dev_number_ranges_path_idx').on(t.recipientPath),
    check('dev_number_ranges_order', sql`${t.startNumber} <= ${t.endNumber}`),
  ],
);

/** DEV-2: an unused number registered with its reason ("号号有下落"), visible to every level above. */
export const devNumberVoids = pgTable(
  'dev_number_voids',
  {
    number: char('number', { length: 12 }).primaryKey(),
    orgId: integer('org_id').notNull().references(() => orgs.id),
    orgPath: orgPath('org_path').notNull(),
    reason: varchar('reason', { length: 32 }).notNull(),
    note: text('note'),
    registeredBy: integer('registered_by').notNull(),
    registeredAt: timestamp('registered_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('dev_number_voids_path_idx').on(t.orgPath)],
);

/**
 * REP-1/REP-2: a request that climbs the tree one level at a time (`currentOrgId`), is forwarded by
 * the province and carried out by the national back end. `originPath` keeps it visible to the filer.
 */
export const upwardReports = pgTable(
  'upward_reports',
  {
    id: serial('id').primaryKey(),
    type: varchar('type', { length: 24 }).notNull(),
    status: varchar('status', { length: 16 }).notNull(),
    originOrgId: integer('origin_org_id').notNull().references(() => orgs.id),
    originPath: orgPath('origin_path').notNull(),
    currentOrgId: integer('current_org_id').notNull().references(() => orgs.id),
    subjectLabel: text('subject_label').notNull(),
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull(),
    outcome: text('outcome'),
    createdBy: integer('created_by').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('upward_reports_current_idx').on(t.currentOrgId, t.status), index('upward_reports_origin_idx').on(t.originPath)],
);

export const upwardReportSteps = pgTable(
  'upward_report_steps',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    reportId: integer('report_id').notNull().references(() => upwardReports.id),
    orgId: integer('org_id').notNull().references(() => orgs.id),
    action: varchar('action', { length: 16 }).notNull(),
    actorPersonId: integer('actor_person_id').notNull(),
    actorName: text('actor_name').notNull(),
    note: text('note'),
    at: timestamp('at', { withTimezone: true }).notNull(),
  },
  (t) => [index('upward_report_steps_report_idx').on(t.reportId)],
);

/** REP-1: what the back end deleted, kept as history (the member re-enters as a new record). */
export const archivedMembers = pgTable('archived_members', {
  id: serial('id').primaryKey(),
  memberId: integer('member_id').notNull(),
  reportId: integer('report_id').notNull().references(() => upwardReports.id),
  branchId: integer('branch_id').notNull(),
  orgPath: orgPath('org_path').notNull(),
  name: text('name').notNull(),
  idNumberMasked: varchar('id_number_masked', { length: 18 }).notNull(),
  snapshot: jsonb('snapshot').notNull(),
  personDeleted: boolean('person_deleted').notNull(),
  archivedAt: timestamp('archived_at', { withTimezone: true }).notNull(),
});

/** REP-3: the education system's counts (教统) entered by a leadership org, against the league's. */
export const eduCounts = pgTable(
  'edu_counts',
  {
    orgId: integer('org_id').notNull().references(() => orgs.id),
    year: smallint('year').notNull(),
    schools: integer('schools').notNull(),
    gradClasses: integer('grad_classes').notNull(),
    students: integer('students').notNull(),
    studentMembers: integer('student_members').notNull(),
    graduatingStudents: integer('graduating_students').notNull().default(0),
    leagueSnapshot: jsonb('league_snapshot').$type<Record<string, number>>().notNull(),
    explanation: text('explanation'),
    enteredBy: integer('entered_by').notNull(),
    enteredAt: timestamp('entered_at', { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.year] })],
);

