import { sql } from 'drizzle-orm';
import { boolean, check, customType, index, integer, jsonb, pgEnum, pgTable, serial, text, timestamp, uniqueIndex, varchar, char } from 'drizzle-orm/pg-core';
import { NODE_KINDS, NODE_STATES, STARTER_SIDES, TARGET_SCOPES, TIMEOUT_ACTIONS, TRANSFER_REASONS, TRANSFER_STATUSES, type TransferFields } from '../../domain/transfers';
import { members, orgs, persons } from './core';

// Organization-relation transfers (TR-1 … TR-13, issue 3/7).

const orgPath = customType<{ data: string }>({ dataType: () => 'text COLLATE "C"' });

export const transferReason = pgEnum('transfer_reason', TRANSFER_REASONS);
export const transferStatus = pgEnum('transfer_status', TRANSFER_STATUSES);
export const transferStarterSide = pgEnum('transfer_starter_side', STARTER_SIDES);
export const transferTargetScope = pgEnum('transfer_target_scope', TARGET_SCOPES);
export const transferNodeKind = pgEnum('transfer_node_kind', NODE_KINDS);
export const transferNodeState = pgEnum('transfer_node_state', NODE_STATES);
export const transferTimeoutAction = pgEnum('transfer_timeout_action', TIMEOUT_ACTIONS);

/**
 * One transfer of one member. `fromPath`/`toPath` are the paths of the sending branch and the target
 * at the start: an admin sees a transfer when either lies in their subtree (SEC-1).
 */
export const transfers = pgTable(
  'transfers',
  {
    id: serial('id').primaryKey(),
    memberId: integer('member_id').notNull().references(() => members.id),
    memberName: text('member_name').notNull(),
    fromBranchId: integer('from_branch_id').notNull().references(() => orgs.id),
    fromPath: orgPath('from_path').notNull(),
    toOrgId: integer('to_org_id').references(() => orgs.id),
    toPath: orgPath('to_path'),
    reason: transferReason('reason').notNull(),
    schoolToSociety: boolean('school_to_society').notNull(),
    targetScope: transferTargetScope('target_scope').notNull().default('NATIONAL'),
    fields: jsonb('fields').$type<TransferFields>().notNull().default({}),
    remark: text('remark'),
    starterSide: transferStarterSide('starter_side').notNull(),
    startedByPersonId: integer('started_by_person_id').notNull().references(() => persons.id),
    startedByName: text('started_by_name').notNull(),
    startedByOrgId: integer('started_by_org_id').references(() => orgs.id),
    status: transferStatus('status').notNull().default('OPEN'),
    finalBranchId: integer('final_branch_id').references(() => orgs.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    endedAt: timestamp('ended_at', { withTimezone: true }),
    endNote: text('end_note'),
  },
  (t) => [
    // TR-1: one open transfer per member, enforced by the database.
    uniqueIndex('transfers_one_open_key').on(t.memberId).where(sql`${t.status} = 'OPEN'`),
    index('transfers_from_path_idx').on(t.fromPath, t.id),
    index('transfers_to_path_idx').on(t.toPath, t.id),
    index('transfers_member_idx').on(t.memberId, t.id),
    check('transfers_ended_iff_closed', sql`(${t.status} = 'OPEN') = (${t.endedAt} IS NULL)`),
  ],
);

/**
 * The approval chain (TR-2/3/4). Each node is addressed to an org and carries its own due time and
 * timeout action (TR-5); the sweep acts on due rows, never on timers in memory.
 */
export const transferNodes = pgTable(
  'transfer_nodes',
  {
    id: serial('id').primaryKey(),
    transferId: integer('transfer_id').notNull().references(() => transfers.id),
    seq: integer('seq').notNull(),
    kind: transferNodeKind('kind').notNull(),
    orgId: integer('org_id').notNull().references(() => orgs.id),
    state: transferNodeState('state').notNull(),
    timeoutAction: transferTimeoutAction('timeout_action').notNull(),
    openedAt: timestamp('opened_at', { withTimezone: true }),
    dueAt: timestamp('due_at', { withTimezone: true }),
    remindedAt: timestamp('reminded_at', { withTimezone: true }),
    decidedAt: timestamp('decided_at', { withTimezone: true }),
    // Null with AUTO_APPROVED: the system decided, not a person.
    decidedByPersonId: integer('decided_by_person_id').references(() => persons.id),
    decidedByName: text('decided_by_name'),
    decidedByOrgId: integer('decided_by_org_id').references(() => orgs.id),
    note: text('note'),
    allocatedBranchId: integer('allocated_branch_id').references(() => orgs.id),
  },
  (t) => [
    uniqueIndex('transfer_nodes_seq_key').on(t.transferId, t.seq),
    index('transfer_nodes_pending_org_idx').on(t.orgId, t.dueAt).where(sql`${t.state} = 'PENDING'`),
    index('transfer_nodes_pending_due_idx').on(t.dueAt).where(sql`${t.state} = 'PENDING'`),
    check('transfer_nodes_pending_has_due', sql`${t.state} <> 'PENDING' OR (${t.openedAt} IS NOT NULL AND ${t.dueAt} IS NOT NULL)`),
  ],
);

/** Messages of the 操作中心: reminders (day 10), automatic approvals and results, per org. */
export const transferNotices = pgTable(
  'transfer_notices',
  {
    id: serial('id').primaryKey(),
    orgId: integer('org_id').notNull().references(() => orgs.id),
    transferId: integer('transfer_id').notNull().references(() => transfers.id),
    nodeId: integer('node_id').references(() => transferNodes.id),
    kind: varchar('kind', { length: 24 }).notNull(),
    message: text('message').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    index('transfer_notices_org_idx').on(t.orgId, t.id),
    // The sweep may run twice or in two processes: one reminder per node and kind.
    uniqueIndex('transfer_notices_node_kind_key').on(t.nodeId, t.kind).where(sql`${t.nodeId} IS NOT NULL`),
  ],
);

/** TR-9: 组织关系介绍信, numbered per issuing org and year. */
export const transferLetters = pgTable(
  'transfer_letters',
  {
    id: serial('id').primaryKey(),
    orgId: integer('org_id').notNull().references(() => orgs.id),
    orgPath: orgPath('org_path').notNull(),
    year: integer('year').notNull(),
    serial: integer('serial').notNull(),
    transferIds: jsonb('transfer_ids').$type<number[]>().notNull(),
    memberNames: jsonb('member_names').$type<string[]>().notNull(),
    toName: text('to_name').notNull(),
    feePaidUntil: char('fee_paid_until', { length: 7 }).notNull(),
    validDays: integer('valid_days').notNull(),
    issuedAt: timestamp('issued_at', { withTimezone: true }).notNull(),
    issuedByPersonId: integer('issued_by_person_id').notNull().references(() => persons.id),
  },
  (t) => [uniqueIndex('transfer_letters_number_key').on(t.orgId, t.year, t.serial)],
);

/** The 特殊单位专属库 of a province (TR-6): a branch under the provincial committee, created on first use. */
export const transferSpecialPools = pgTable('transfer_special_pools', {
  provinceOrgId: integer('province_org_id').primaryKey().references(() => orgs.id),
  branchId: integer('branch_id').notNull().references(() => orgs.id),
});
