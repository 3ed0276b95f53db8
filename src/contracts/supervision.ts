import { z } from 'zod';
import { DEV_VOID_REASONS, DELETION_REASONS } from '../domain/supervision';
import { Id, OptionalText, PageQuery, RequiredText } from './common';

const Year = z.coerce.number().int().min(2017).max(2100);

export const FiguresQuery = z.strictObject({ orgId: Id.optional(), year: Year.optional() });
export const FigureExportQuery = z.strictObject({
  figure: z.enum(['ST1', 'ST2', 'ST3', 'ST4', 'ST5', 'ST6', 'ST7', 'REP3']),
  orgId: Id.optional(),
  year: Year.optional(),
});
export const OrgPageQuery = z.strictObject({ orgId: Id.optional(), ...PageQuery });
export const OrgOnlyQuery = z.strictObject({ orgId: Id.optional() });

const Crumb = z.object({ id: z.number(), name: z.string() });
const OrgHead = z.object({ id: z.number(), name: z.string(), kind: z.string(), leadershipLevel: z.string().nullable() });
const Drill = { orgId: z.number(), name: z.string(), kind: z.string(), hasChildren: z.boolean() };

export const FigureRowSchema = z.object({
  ...Drill,
  census: z.number().nullable(),
  membersActive: z.number(),
  membersComplete: z.number(),
  membersSince2017: z.number(),
  membersSince2019: z.number(),
  membersLate2019: z.number(),
  branches: z.number(),
  branchesEntered: z.number(),
  schoolBranches: z.number(),
  schoolBranchesMarked: z.number(),
  schoolMembers: z.number(),
  schools: z.number(),
});
const Head = { org: OrgHead, breadcrumb: z.array(Crumb), year: z.number() };
export const FiguresResponse = z.object({ ...Head, canEnterCensus: z.boolean(), total: FigureRowSchema, rows: z.array(FigureRowSchema) });

export const GraduationRowSchema = z.object({
  ...Drill,
  gradBranches: z.number(),
  gradMembers: z.number(),
  eduGradClasses: z.number().nullable(),
  eduGraduatingStudents: z.number().nullable(),
});
export const GraduationResponse = z.object({ ...Head, total: GraduationRowSchema, rows: z.array(GraduationRowSchema) });

export const TransferProgressRowSchema = z.object({
  ...Drill,
  notStarted: z.number(),
  started: z.number(),
  completed: z.number(),
  overdueNodes: z.number(),
  rank: z.number().nullable(),
});
export const TransferProgressResponse = z.object({ ...Head, total: TransferProgressRowSchema, rows: z.array(TransferProgressRowSchema) });

export const DevRowSchema = z.object({ ...Drill, issued: z.number(), used: z.number(), explained: z.number(), unused: z.number() });
export const DevFiguresResponse = z.object({ ...Head, total: DevRowSchema, rows: z.array(DevRowSchema) });

export const EduRowSchema = z.object({
  ...Drill,
  entered: z.boolean(),
  eduSchools: z.number().nullable(),
  leagueSchools: z.number(),
  eduGradClasses: z.number().nullable(),
  leagueGradClasses: z.number(),
  eduStudents: z.number().nullable(),
  eduStudentMembers: z.number().nullable(),
  leagueStudentMembers: z.number(),
  eduGraduatingStudents: z.number().nullable(),
  overLimit: z.array(z.string()),
  explanation: z.string().nullable(),
});
export const EduResponse = z.object({ ...Head, canEnter: z.boolean(), total: EduRowSchema, rows: z.array(EduRowSchema) });

export const UnmarkedBranch = z.object({ id: z.number(), name: z.string(), fullName: z.string(), parentName: z.string().nullable(), regionName: z.string().nullable() });

const Count = z.number().int().min(0).max(100_000_000);
export const CensusRequest = z.strictObject({ orgId: Id, year: Year, count: Count });
export const CensusResponse = z.object({ orgId: z.number(), year: z.number(), count: z.number() });
export const EduCountsRequest = z.strictObject({
  year: Year,
  schools: Count,
  gradClasses: Count,
  students: Count,
  studentMembers: Count,
  graduatingStudents: Count.default(0),
  explanation: OptionalText(2000),
});

// DEV-1/2
const Number12 = z.string().trim().regex(/^\d{12}$/, { message: '发展团员编号应为12位数字' });
export const IssueRangeRequest = z.strictObject({ recipientOrgId: Id, start: Number12, end: Number12 });
export const RangeSchema = z.object({
  id: z.number(),
  issuerOrgId: z.number(),
  issuerName: z.string(),
  recipientOrgId: z.number(),
  recipientName: z.string(),
  start: z.string(),
  end: z.string(),
  size: z.number(),
  used: z.number(),
  explained: z.number(),
  issuedAt: z.string(),
});
export const RangesResponse = z.object({ received: z.array(RangeSchema), issued: z.array(RangeSchema), canIssueFresh: z.boolean() });
export const VoidRequest = z.strictObject({ number: Number12, reason: z.enum(DEV_VOID_REASONS), note: OptionalText(500) });
export const VoidSchema = z.object({ number: z.string(), orgId: z.number(), orgName: z.string(), reason: z.enum(DEV_VOID_REASONS), note: z.string().nullable(), registeredAt: z.string() });
export const UnusedNumbersQuery = z.strictObject({ rangeId: Id });
export const UnusedNumbersResponse = z.object({ numbers: z.array(z.string()), truncated: z.boolean() });

// REP-1/2
export const MemberDeletionRequest = z.strictObject({ memberId: Id, reason: z.enum(DELETION_REASONS), note: OptionalText(500) });
export const TownshipFlagRequest = z.strictObject({ orgId: Id, claimed: z.boolean(), note: OptionalText(500) });
export const ForwardRequest = z.strictObject({ note: OptionalText(500) });
export const RefuseRequest = z.strictObject({ reason: RequiredText(500, '退回理由') });
export const ReportsQuery = z.strictObject({ box: z.enum(['todo', 'filed', 'handled']).default('todo'), ...PageQuery });
export const ReportStep = z.object({ orgId: z.number(), orgName: z.string(), action: z.string(), actorName: z.string(), note: z.string().nullable(), at: z.string() });
export const ReportSchema = z.object({
  id: z.number(),
  type: z.enum(['MEMBER_DELETION', 'TOWNSHIP_FLAG']),
  status: z.enum(['PENDING', 'AT_BACKEND', 'DONE', 'REFUSED']),
  originOrgId: z.number(),
  originOrgName: z.string(),
  currentOrgId: z.number(),
  currentOrgName: z.string(),
  subjectLabel: z.string(),
  payload: z.record(z.string(), z.unknown()),
  outcome: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  steps: z.array(ReportStep),
  can: z.object({ forward: z.boolean(), refuse: z.boolean(), execute: z.boolean() }),
});
export type Report = z.infer<typeof ReportSchema>;
export type FigureRowT = z.infer<typeof FigureRowSchema>;
