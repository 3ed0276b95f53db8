import { z } from 'zod';
import { DateString, Id, OptionalText, PageQuery, QueryBool, RequiredText, YearMonth } from './common';
import {
  EducationLevel,
  Ethnicity,
  Gender,
  GraduateStatus,
  IdentityEvidence,
  IdentityStatus,
  LeaveReason,
  MemberStatus,
  Occupation,
  PoliticalStatus,
} from './enums';

export const PhoneInput = z.string().trim().regex(/^1[3-9]\d{9}$/, { message: '手机号码应为11位数字，以1开头' });
const RegionCode = z.string().regex(/^(\d{6}|\d{9}|\d{12})$/, { message: '行政区划代码应为6、9或12位数字' });
const DevelopmentNumber = z.string().trim().regex(/^[0-9]{4,32}$/, { message: '发展团员编号只能是数字' });

/** Fields an admin or the member may change (never name, ID number or branch: MEM-5, SEC-5). */
const profileFields = {
  phone: PhoneInput.nullable().optional(),
  ethnicity: Ethnicity,
  politicalStatus: PoliticalStatus,
  education: EducationLevel.nullable().optional(),
  highestEducation: EducationLevel.nullable().optional(),
  occupation: Occupation.nullable().optional(),
  workUnit: OptionalText(100),
  hukouAddress: OptionalText(200),
  residenceAddress: OptionalText(200),
  email: z.email({ message: '电子邮箱格式不正确' }).max(128).nullable().optional(),
  // MEM-7: graduates' destination
  destinationUnit: OptionalText(100),
  destinationAddress: OptionalText(200),
  destinationRegionCode: RegionCode.nullable().optional(),
  parentsAddress: OptionalText(200),
};

/** Fields only an admin sets (the league record itself). */
const recordFields = {
  joinedLeagueAt: YearMonth,
  admittedAt: DateString.nullable().optional(),
  developmentNumber: DevelopmentNumber.nullable().optional(),
  identityEvidence: IdentityEvidence.nullable().optional(),
  isCadre: z.boolean(),
  leaguePosition: OptionalText(32),
  developedByOrgId: Id.nullable().optional(),
};

export const CreateMemberRequest = z.strictObject({
  name: RequiredText(40, '姓名'),
  idNumber: z.string().trim().min(1, { message: '身份证号码不能为空' }).max(32),
  branchId: Id,
  ...recordFields,
  ...profileFields,
});
export type CreateMemberRequest = z.infer<typeof CreateMemberRequest>;

export const UpdateMemberRequest = z
  .strictObject({ ...recordFields, ...profileFields })
  .partial();
export type UpdateMemberRequest = z.infer<typeof UpdateMemberRequest>;

/** 个人中心: what a member completes on their own record. */
export const UpdateMyProfileRequest = z.strictObject(profileFields).partial();
export type UpdateMyProfileRequest = z.infer<typeof UpdateMyProfileRequest>;

export const MemberPermissions = z.object({
  edit: z.boolean(),
  leave: z.boolean(),
  restore: z.boolean(),
  resetPassword: z.boolean(),
  reveal: z.boolean(),
});

export const IdentityIssue = z.object({ code: z.string(), message: z.string() });


export const MemberListItem = z.object({
  id: z.number().int(),
  personId: z.number().int(),
  name: z.string(),
  idNumber: z.string().describe('masked (SEC-4)'),
  gender: Gender,
  birthDate: z.string(),
  phone: z.string().nullable().describe('masked (SEC-4)'),
  ethnicity: z.string(),
  politicalStatus: PoliticalStatus,
  joinedLeagueAt: z.string(),
  branchId: z.number().int().nullable(),
  branchName: z.string().nullable(),
  isCadre: z.boolean(),
  leaguePosition: z.string().nullable(),
  identityStatus: IdentityStatus,
  profileComplete: z.boolean(),
  graduateStatus: GraduateStatus.nullable(),
  status: MemberStatus,
  createdAt: z.string(),
  can: MemberPermissions,
});
export type MemberListItem = z.infer<typeof MemberListItem>;

export const Membership = z.object({
  branchId: z.number().int(),
  branchName: z.string(),
  startedAt: z.string(),
  startReason: z.string(),
  endedAt: z.string().nullable(),
  endReason: z.string().nullable(),
  note: z.string().nullable(),
});

export const Member = MemberListItem.extend({
  branchFullName: z.string().nullable(),
  developmentNumber: z.string().nullable(),
  admittedAt: z.string().nullable(),
  identityEvidence: IdentityEvidence.nullable(),
  identityIssues: z.array(IdentityIssue),
  developedByOrgId: z.number().int().nullable(),
  developedByOrgName: z.string().nullable(),
  education: z.string().nullable(),
  highestEducation: z.string().nullable(),
  occupation: z.string().nullable(),
  workUnit: z.string().nullable(),
  hukouAddress: z.string().nullable(),
  residenceAddress: z.string().nullable(),
  email: z.string().nullable(),
  graduationAt: z.string().nullable(),
  destinationUnit: z.string().nullable(),
  destinationAddress: z.string().nullable(),
  destinationRegionCode: z.string().nullable(),
  parentsAddress: z.string().nullable(),
  missingFields: z.array(z.string()),
  lateEntry: z.boolean().describe('MEM-4: entered more than a month after admission'),
  dueToLeave: z.boolean().describe('MEM-8: 28 or older without a league post'),
  leftAt: z.string().nullable(),
  leaveReason: LeaveReason.nullable(),
  leaveNote: z.string().nullable(),
  updatedAt: z.string(),
  memberships: z.array(Membership),
});
export type Member = z.infer<typeof Member>;

export const MEMBER_SORTS = ['branch', 'name', '-name', 'joinedLeagueAt', '-joinedLeagueAt', 'createdAt', '-createdAt'] as const;

export const ListMembersQuery = z.strictObject({
  ...PageQuery,
  /** Restrict to this org's subtree (must be inside the acting org's). */
  orgId: Id.optional(),
  name: z.string().trim().max(40).optional(),
  idNumber: z.string().trim().max(32).optional(),
  politicalStatus: PoliticalStatus.optional(),
  isCadre: QueryBool.optional(),
  profileComplete: QueryBool.optional(),
  identityStatus: IdentityStatus.optional(),
  status: z.enum(['ACTIVE', 'LEFT', 'ALL']).default('ACTIVE'),
  sort: z.enum(MEMBER_SORTS).default('branch'),
});
export type ListMembersQuery = z.infer<typeof ListMembersQuery>;

export const LeaveMemberRequest = z.strictObject({ reason: LeaveReason, note: OptionalText(200) });
export const RestoreMemberRequest = z.strictObject({ branchId: Id, note: OptionalText(200) });
export const RevealResponse = z.object({ idNumber: z.string(), phone: z.string().nullable() });
export const ResetPasswordResponse = z.object({
  temporaryPassword: z.string(),
  expiresAt: z.string(),
});
