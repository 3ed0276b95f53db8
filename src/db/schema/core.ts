import { sql } from 'drizzle-orm';
import {
  type AnyPgColumn,
  bigint,
  bigserial,
  boolean,
  char,
  check,
  customType,
  date,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  serial,
  text,
  timestamp,
  uniqueIndex,
  varchar,
} from 'drizzle-orm/pg-core';
import {
  CADRE_NATURES,
  GENDERS,
  GRADUATE_STATUSES,
  GRADUATION_EXEMPT_REASONS,
  IDENTITY_EVIDENCES,
  IDENTITY_STATUSES,
  INDUSTRY_CATEGORIES,
  LEADERSHIP_LEVELS,
  LEAVE_REASONS,
  MEMBER_STATUSES,
  MEMBERSHIP_END_REASONS,
  MEMBERSHIP_START_REASONS,
  ORG_CATEGORIES,
  ORG_KINDS,
  POLITICAL_STATUSES,
  SPECIAL_KINDS,
} from '../../domain/enums';

/**
 * Materialized org path ('/1/23/456/') in the "C" collation, so a subtree is one btree range scan
 * (src/domain/scope.ts) whatever the database's default collation.
 */
const orgPath = customType<{ data: string }>({
  dataType: () => 'text COLLATE "C"',
});

/** bytea, normalised to Buffer (node-postgres gives Buffer, PGlite gives Uint8Array). */
const bytea = customType<{ data: Buffer; driverData: Buffer | Uint8Array }>({
  dataType: () => 'bytea',
  fromDriver: (v) => (Buffer.isBuffer(v) ? v : Buffer.from(v)),
  toDriver: (v) => v,
});

const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();
const updatedAt = () => timestamp('updated_at', { withTimezone: true }).notNull().defaultNow();

export const orgKind = pgEnum('org_kind', ORG_KINDS);
export const leadershipLevel = pgEnum('leadership_level', LEADERSHIP_LEVELS);
export const specialKind = pgEnum('special_kind', SPECIAL_KINDS);
export const orgCategory = pgEnum('org_category', ORG_CATEGORIES);
export const industryCategory = pgEnum('industry_category', INDUSTRY_CATEGORIES);
export const graduationExemptReason = pgEnum('graduation_exempt_reason', GRADUATION_EXEMPT_REASONS);
export const gender = pgEnum('gender', GENDERS);
export const politicalStatus = pgEnum('political_status', POLITICAL_STATUSES);
export const identityStatus = pgEnum('identity_status', IDENTITY_STATUSES);
export const identityEvidence = pgEnum('identity_evidence', IDENTITY_EVIDENCES);
export const graduateStatus = pgEnum('graduate_status', GRADUATE_STATUSES);
export const memberStatus = pgEnum('member_status', MEMBER_STATUSES);
export const leaveReason = pgEnum('leave_reason', LEAVE_REASONS);
export const membershipStartReason = pgEnum('membership_start_reason', MEMBERSHIP_START_REASONS);
export const membershipEndReason = pgEnum('membership_end_reason', MEMBERSHIP_END_REASONS);
export const cadreNature = pgEnum('cadre_nature', CADRE_NATURES);
export const auditResult = pgEnum('audit_result', ['OK', 'DENIED', 'FAILED']);

/** The organization tree (ORG-1 … ORG-9). Deleted orgs stay as history (ORG-7). */
export const orgs = pgTable(
  'orgs',
  {
    id: serial('id').primaryKey(),
    parentId: integer('parent_id').references((): AnyPgColumn => orgs.id),
    path: orgPath('path').notNull(),
    depth: integer('depth').notNull(),
    name: text('name').notNull(),
    fullName: text('full_name').notNull(),
    kind: orgKind('kind').notNull(),
    leadershipLevel: leadershipLevel('leadership_level'),
    specialKind: specialKind('special_kind'),
    category: orgCategory('category').notNull().default('NORMAL'),
    industryCategory: industryCategory('industry_category').notNull(),
    regionCode: varchar('region_code', { length: 12 }),
    isTownship: boolean('is_township'),
    schoolCode: varchar('school_code', { length: 32 }),
    graduationAt: char('graduation_at', { length: 7 }),
    graduationExemptReason: graduationExemptReason('graduation_exempt_reason'),
    contactPhone: varchar('contact_phone', { length: 32 }),
    email: varchar('email', { length: 128 }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    deletedAt: timestamp('deleted_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('orgs_path_key').on(t.path),
    index('orgs_parent_idx').on(t.parentId).where(sql`${t.deletedAt} IS NULL`),
    uniqueIndex('orgs_sibling_name_key').on(t.parentId, t.name).where(sql`${t.deletedAt} IS NULL`),
    uniqueIndex('orgs_sibling_full_name_key').on(t.parentId, t.fullName).where(sql`${t.deletedAt} IS NULL`),
    // Only for the graduation campaign's regular expression on branch names (TR-12); the name search
    // goes through the gram index (drizzle/0003, 0016).
    index('orgs_name_trgm_idx').using('gin', sql`${t.name} gin_trgm_ops`),
    index('orgs_region_idx').on(t.regionCode),
    check('orgs_level_iff_leadership', sql`(${t.kind} = 'LEADERSHIP') = (${t.leadershipLevel} IS NOT NULL)`),
    check('orgs_special_kind_branch_only', sql`${t.specialKind} IS NULL OR ${t.kind} = 'BRANCH'`),
    // GRAD-2: a graduation time or a reason instead, never both.
    check('orgs_graduation_xor_reason', sql`${t.graduationAt} IS NULL OR ${t.graduationExemptReason} IS NULL`),
    check('orgs_graduation_at_format', sql`${t.graduationAt} IS NULL OR ${t.graduationAt} ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'`),
    check('orgs_root_has_no_parent', sql`(${t.parentId} IS NULL) = (${t.depth} = 0)`),
  ],
);

/**
 * One row per human being (MEM-2: the ID number is unique). ID number and phone are stored
 * encrypted (AES-256-GCM) with a keyed blind index for lookups and uniqueness, and a masked copy
 * for display; the key lives outside the database (src/lib/pii.ts).
 */
export const persons = pgTable(
  'persons',
  {
    id: serial('id').primaryKey(),
    name: text('name').notNull(),
    idNumberEnc: bytea('id_number_enc').notNull(),
    idNumberIdx: bytea('id_number_idx').notNull(),
    idNumberMasked: varchar('id_number_masked', { length: 18 }).notNull(),
    gender: gender('gender').notNull(),
    birthDate: date('birth_date', { mode: 'string' }).notNull(),
    phoneEnc: bytea('phone_enc'),
    phoneIdx: bytea('phone_idx'),
    phoneMasked: varchar('phone_masked', { length: 16 }),
    email: varchar('email', { length: 128 }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('persons_id_number_key').on(t.idNumberIdx),
    uniqueIndex('persons_phone_key').on(t.phoneIdx),
    index('persons_name_idx').on(t.name.op('text_pattern_ops')),
  ],
);

/** A person's league record (MEM-1, MEM-3, MEM-7, MEM-8): at most one per person. */
export const members = pgTable(
  'members',
  {
    id: serial('id').primaryKey(),
    personId: integer('person_id').notNull().references(() => persons.id),
    status: memberStatus('status').notNull().default('ACTIVE'),
    // Current (or, after leaving, last) branch and its path, denormalised from the membership
    // periods for subtree reads: the record stays in its branch's scope after 离团 (MEM-8).
    branchId: integer('branch_id')
      .notNull()
      .references(() => orgs.id),
    orgPath: orgPath('org_path').notNull(),
    ethnicity: varchar('ethnicity', { length: 16 }).notNull(),
    politicalStatus: politicalStatus('political_status').notNull(),
    joinedLeagueAt: char('joined_league_at', { length: 7 }).notNull(),
    admittedAt: date('admitted_at', { mode: 'string' }),
    developmentNumber: varchar('development_number', { length: 32 }),
    developedByOrgId: integer('developed_by_org_id').references(() => orgs.id),
    identityEvidence: identityEvidence('identity_evidence'),
    identityStatus: identityStatus('identity_status').notNull(),
    identityIssues: jsonb('identity_issues').$type<{ code: string; message: string }[]>().notNull().default([]),
    isCadre: boolean('is_cadre').notNull().default(false),
    leaguePosition: varchar('league_position', { length: 32 }),
    education: varchar('education', { length: 32 }),
    highestEducation: varchar('highest_education', { length: 32 }),
    occupation: varchar('occupation', { length: 32 }),
    workUnit: text('work_unit'),
    hukouAddress: text('hukou_address'),
    residenceAddress: text('residence_address'),
    graduateStatus: graduateStatus('graduate_status'),
    graduationAt: char('graduation_at', { length: 7 }),
    // GRAD-6: why a graduate is delayed (延迟毕业原因).
    graduationNote: text('graduation_note'),
    destinationUnit: text('destination_unit'),
    destinationAddress: text('destination_address'),
    destinationRegionCode: varchar('destination_region_code', { length: 12 }),
    parentsAddress: text('parents_address'),
    profileComplete: boolean('profile_complete').notNull().default(false),
    leftAt: timestamp('left_at', { withTimezone: true }),
    leaveReason: leaveReason('leave_reason'),
    leaveNote: text('leave_note'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('members_person_key').on(t.personId),
    uniqueIndex('members_development_number_key').on(t.developmentNumber),
    index('members_org_path_idx').on(t.orgPath, t.id),
    index('members_branch_idx').on(t.branchId),
    // The list filters admins use across a whole province (rectification lists, party members):
    // equality first, then the subtree range, so a count stops after an index range scan.
    index('members_political_scope_idx').on(t.politicalStatus, t.status, t.orgPath),
    index('members_identity_scope_idx').on(t.identityStatus, t.status, t.orgPath),
    index('members_profile_scope_idx').on(t.profileComplete, t.status, t.orgPath),
    // Graduates are few outside the season: ST-6 and the TR-10/12 lists read them by subtree.
    index('members_graduates_idx').on(t.orgPath).where(sql`${t.graduateStatus} = 'GRADUATE' AND ${t.status} = 'ACTIVE'`),
    check('members_left_has_reason', sql`(${t.status} = 'LEFT') = (${t.leaveReason} IS NOT NULL)`),
    check('members_joined_format', sql`${t.joinedLeagueAt} ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'`),
  ],
);

/**
 * Where a member was and when: one period per stay in a branch. A transfer ends one period and
 * opens the next; leaving ends it. At most one open period per member.
 */
export const memberships = pgTable(
  'memberships',
  {
    id: serial('id').primaryKey(),
    memberId: integer('member_id').notNull().references(() => members.id),
    branchId: integer('branch_id').notNull().references(() => orgs.id),
    startedAt: timestamp('started_at', { withTimezone: true }).notNull(),
    startReason: membershipStartReason('start_reason').notNull(),
    endedAt: timestamp('ended_at', { withTimezone: true }),
    endReason: membershipEndReason('end_reason'),
    note: text('note'),
  },
  (t) => [
    uniqueIndex('memberships_one_open_key').on(t.memberId).where(sql`${t.endedAt} IS NULL`),
    index('memberships_member_idx').on(t.memberId, t.startedAt),
    index('memberships_branch_idx').on(t.branchId),
    check('memberships_end_has_reason', sql`(${t.endedAt} IS NULL) = (${t.endReason} IS NULL)`),
  ],
);

/** Cadre posts with history (CAD-1..3): a change ends one row and starts the next. */
export const cadrePositions = pgTable(
  'cadre_positions',
  {
    id: serial('id').primaryKey(),
    personId: integer('person_id').notNull().references(() => persons.id),
    orgId: integer('org_id').notNull().references(() => orgs.id),
    position: varchar('position', { length: 32 }).notNull(),
    nature: cadreNature('nature'),
    startedAt: date('started_at', { mode: 'string' }).notNull(),
    endedAt: date('ended_at', { mode: 'string' }),
    endNote: text('end_note'),
    previousId: integer('previous_id'),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('cadre_positions_one_active_key').on(t.personId, t.orgId).where(sql`${t.endedAt} IS NULL`),
    index('cadre_positions_org_idx').on(t.orgId),
  ],
);

/** Admin grants (ADM-1). Revoked grants stay as history. */
export const adminGrants = pgTable(
  'admin_grants',
  {
    id: serial('id').primaryKey(),
    personId: integer('person_id').notNull().references(() => persons.id),
    orgId: integer('org_id').notNull().references(() => orgs.id),
    grantedBy: integer('granted_by').references(() => persons.id),
    grantedAt: timestamp('granted_at', { withTimezone: true }).notNull(),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    revokedBy: integer('revoked_by').references(() => persons.id),
  },
  (t) => [
    uniqueIndex('admin_grants_one_active_key').on(t.personId, t.orgId).where(sql`${t.revokedAt} IS NULL`),
    index('admin_grants_org_idx').on(t.orgId),
  ],
);

/**
 * Login accounts (MEM-6). `passwordHash` NULL means the initial password (last 8 characters of the
 * ID number) is in force, valid from `issuedAt` for the configured days: no hash is computed when
 * 100,000 members are imported.
 */
export const accounts = pgTable('accounts', {
  personId: integer('person_id').primaryKey().references(() => persons.id),
  passwordHash: text('password_hash'),
  mustChangePassword: boolean('must_change_password').notNull().default(true),
  issuedAt: timestamp('issued_at', { withTimezone: true }).notNull(),
  passwordChangedAt: timestamp('password_changed_at', { withTimezone: true }),
  lastLoginAt: timestamp('last_login_at', { withTimezone: true }),
  disabledAt: timestamp('disabled_at', { withTimezone: true }),
});

/** Server-side sessions: revocable at once (SEC-2). The id is a hash of the cookie's token. */
export const sessions = pgTable(
  'sessions',
  {
    id: varchar('id', { length: 64 }).primaryKey(),
    personId: integer('person_id').notNull().references(() => persons.id),
    csrfToken: varchar('csrf_token', { length: 64 }).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true }).notNull(),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    ip: varchar('ip', { length: 64 }),
    /**
     * The admin second factor (issue 7): NONE — not asked at login (a member, or ADMIN_MFA=off);
     * REQUIRED / ENROLL — the password was right, the code (or enrollment) is still owed and the
     * session may do nothing else; VERIFIED — passed.
     */
    mfaState: varchar('mfa_state', { length: 16 }).notNull().default('NONE'),
  },
  (t) => [index('sessions_person_idx').on(t.personId).where(sql`${t.revokedAt} IS NULL`)],
);

/**
 * An admin's TOTP second factor (issue 7, MLPS 8.1.4.1 d). Secrets are stored encrypted with the data
 * key (PiiCipher), never in plain text. `pendingSecretEnc` is a secret being enrolled: the old one
 * stays in force until the new one is confirmed with a code. `lastStep` is the last accepted TOTP
 * time step, so a code cannot be used twice (RFC 6238 §5.2).
 */
export const adminMfa = pgTable('admin_mfa', {
  personId: integer('person_id').primaryKey().references(() => persons.id),
  secretEnc: bytea('secret_enc'),
  enrolledAt: timestamp('enrolled_at', { withTimezone: true }),
  pendingSecretEnc: bytea('pending_secret_enc'),
  lastStep: bigint('last_step', { mode: 'number' }),
});

/** One-time recovery codes, stored as a keyed hash; a regeneration deletes the old set. */
export const mfaRecoveryCodes = pgTable(
  'mfa_recovery_codes',
  {
    id: serial('id').primaryKey(),
    personId: integer('person_id').notNull().references(() => persons.id),
    codeHash: varchar('code_hash', { length: 64 }).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    usedAt: timestamp('used_at', { withTimezone: true }),
  },
  (t) => [index('mfa_recovery_codes_person_idx').on(t.personId)],
);

/**
 * The one-time token that creates the first back-end admin when the database has none (issue 7: no
 * default superadmin). Only its SHA-256 is stored; the token itself goes to a 0600 file.
 */
export const bootstrapTokens = pgTable('bootstrap_tokens', {
  id: serial('id').primaryKey(),
  tokenHash: varchar('token_hash', { length: 64 }).notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  usedAt: timestamp('used_at', { withTimezone: true }),
});

/** Failure counters for login throttling, keyed by a blind index of the username or by address. */
export const loginGuards = pgTable('login_guards', {
  key: varchar('key', { length: 96 }).primaryKey(),
  failures: integer('failures').notNull(),
  windowStartedAt: timestamp('window_started_at', { withTimezone: true }).notNull(),
  lockedUntil: timestamp('locked_until', { withTimezone: true }),
});

/**
 * The audit log (SEC-3): written in the same transaction as the change. `orgPath` is the path of the
 * org the object belongs to (and `alsoOrgPath` a second one), so an admin browses the log of their own subtree.
 */
export const auditLog = pgTable(
  'audit_log',
  {
    /**
     * The bigserial's sequence, drawn through `audit_log_next_id()` (drizzle/0018, 0019), the column's
     * default in the database: it gives the transaction its id first, which the sealing job's
     * horizon relies on. Never insert an explicit id; drizzle-kit cannot express that default, and
     * inserts that omit id use it.
     */
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    at: timestamp('at', { withTimezone: true }).notNull(),
    actorPersonId: integer('actor_person_id'),
    actorName: text('actor_name'),
    actingOrgId: integer('acting_org_id'),
    action: varchar('action', { length: 64 }).notNull(),
    objectType: varchar('object_type', { length: 32 }),
    objectId: varchar('object_id', { length: 64 }),
    objectLabel: text('object_label'),
    orgPath: orgPath('org_path'),
    /**
     * The second subtree that sees the row, when a change concerns two: a transfer's start, cancellation
     * or completion has the sending side in `orgPath` and the other side here, one row for both (drizzle/0020).
     */
    alsoOrgPath: orgPath('also_org_path'),
    changes: jsonb('changes').$type<Record<string, { before: unknown; after: unknown }>>(),
    result: auditResult('result').notNull(),
    reason: text('reason'),
    ip: varchar('ip', { length: 64 }),
    requestId: varchar('request_id', { length: 64 }),
    /**
     * Issue 7 item 4: the hash chain. Set once by the sealing job (src/server/audit-chain.ts), in id
     * order, after the row has committed: `hash` = sha256(previous hash ‖ canonical row).
     */
    seq: bigint('seq', { mode: 'number' }),
    hash: varchar('hash', { length: 64 }),
  },
  (t) => [
    index('audit_log_org_path_idx').on(t.orgPath, t.id),
    index('audit_log_also_org_path_idx').on(t.alsoOrgPath, t.id).where(sql`${t.alsoOrgPath} IS NOT NULL`),
    index('audit_log_at_idx').on(t.at),
    // Partial: unsealed rows (seq NULL) need no entry, and every audit insert skipped one (drizzle/0019).
    uniqueIndex('audit_log_seq_idx').on(t.seq).where(sql`${t.seq} IS NOT NULL`),
    index('audit_log_unsealed_idx').on(t.id).where(sql`${t.seq} IS NULL`),
  ],
);

/** Key/value settings the server keeps across restarts (demo seed marker, schema facts). */
export const systemSettings = pgTable('system_settings', {
  key: varchar('key', { length: 64 }).primaryKey(),
  value: jsonb('value').notNull(),
  updatedAt: updatedAt(),
});
