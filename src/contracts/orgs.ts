import { z } from 'zod';
import { Id, PageQuery, RequiredText } from './common';
import { GraduationExemptReason, IndustryCategory, LeadershipLevel, OrgCategory, OrgKind, SpecialKind } from './enums';

const RegionCode = z.string().regex(/^(\d{2}|\d{4}|\d{6}|\d{9}|\d{12})$/, { message: '行政区划代码应为2、4、6、9或12位数字' });
const SchoolCode = z.string().trim().regex(/^[0-9A-Za-z-]{1,32}$/, { message: '学校编码只能包含字母、数字和短横线' });
const Phone = z.string().trim().regex(/^[0-9-]{7,20}$/, { message: '联系电话格式不正确' });

/** What the caller may do with this org, computed by the server (the UI never re-implements it). */
export const OrgPermissions = z.object({
  createChildKinds: z.array(OrgKind),
  edit: z.boolean(),
  move: z.boolean(),
  delete: z.boolean(),
  /** GRAD-1: mark the graduation time of the branches below. */
  markGraduation: z.boolean(),
  /** GRAD-6: mark members of (branches below) this org 延迟毕业团员/教师. */
  markGraduates: z.boolean(),
});

export const OrgSummary = z.object({
  id: z.number().int(),
  parentId: z.number().int().nullable(),
  name: z.string(),
  fullName: z.string(),
  kind: OrgKind,
  leadershipLevel: LeadershipLevel.nullable(),
  specialKind: SpecialKind.nullable(),
  category: OrgCategory,
  industryCategory: IndustryCategory,
  regionCode: z.string().nullable(),
  isTownship: z.boolean().nullable(),
  schoolCode: z.string().nullable(),
  graduationAt: z.string().nullable(),
  graduationExemptReason: GraduationExemptReason.nullable(),
  childCount: z.number().int(),
  /** Active members directly in this org (branches only; 0 for committees). */
  memberCount: z.number().int(),
});
export type OrgSummary = z.infer<typeof OrgSummary>;

export const Org = OrgSummary.extend({
  contactPhone: z.string().nullable(),
  email: z.string().nullable(),
  regionName: z.string().nullable(),
  depth: z.number().int(),
  /** Members in the whole subtree. */
  subtreeMemberCount: z.number().int(),
  /** From the acting org down to this one (never above the caller's scope). */
  ancestors: z.array(z.object({ id: z.number().int(), name: z.string() })),
  createdAt: z.string(),
  updatedAt: z.string(),
  can: OrgPermissions,
});
export type Org = z.infer<typeof Org>;

export const CreateOrgRequest = z.strictObject({
  parentId: Id,
  name: RequiredText(60, '组织简称'),
  fullName: RequiredText(120, '组织全称'),
  kind: OrgKind,
  leadershipLevel: LeadershipLevel.nullable().optional(),
  specialKind: SpecialKind.nullable().optional(),
  industryCategory: IndustryCategory,
  regionCode: RegionCode.nullable().optional(),
  schoolCode: SchoolCode.nullable().optional(),
  contactPhone: Phone.nullable().optional(),
  email: z.email({ message: '电子邮箱格式不正确' }).nullable().optional(),
});
export type CreateOrgRequest = z.infer<typeof CreateOrgRequest>;

export const UpdateOrgRequest = z.strictObject({
  name: RequiredText(60, '组织简称').optional(),
  fullName: RequiredText(120, '组织全称').optional(),
  industryCategory: IndustryCategory.optional(),
  regionCode: RegionCode.nullable().optional(),
  schoolCode: SchoolCode.nullable().optional(),
  contactPhone: Phone.nullable().optional(),
  email: z.email({ message: '电子邮箱格式不正确' }).nullable().optional(),
});
export type UpdateOrgRequest = z.infer<typeof UpdateOrgRequest>;

export const MoveOrgRequest = z.strictObject({ newParentId: Id });

export const ListChildrenQuery = z.strictObject({ ...PageQuery });

export const SearchOrgsQuery = z.strictObject({
  q: z.string().trim().min(1, { message: '请输入组织名称' }).max(60),
  kind: OrgKind.optional(),
  ...PageQuery,
});

export const ORG_FINDINGS = ['INCOMPLETE_COMMITTEE', 'SMALL_BRANCH', 'LARGE_BRANCH', 'SCHOOL_WITHOUT_CODE', 'SCHOOL_CODE_WITHOUT_BRANCH'] as const;
export const ORG_FINDING_LABELS: Record<(typeof ORG_FINDINGS)[number], string> = {
  INCOMPLETE_COMMITTEE: '下面没有团支部的团委/团工委/团总支（ORG-2）',
  SMALL_BRANCH: '团员少于3人的团支部，应撤销或合并（ORG-5）',
  LARGE_BRANCH: '团员多于50人的团支部，应拆分（ORG-5）',
  SCHOOL_WITHOUT_CODE: '学校领域未填写学校编码的组织（ORG-4）',
  SCHOOL_CODE_WITHOUT_BRANCH: '已填写学校编码但下面没有团支部的组织（ORG-4）',
};
/** `orgId` narrows the list to that org's subtree (inside the acting org's). */
export const OrgFindingsQuery = z.strictObject({ type: z.enum(ORG_FINDINGS), orgId: Id.optional(), ...PageQuery });

export const OrgWithPath = OrgSummary.extend({ pathNames: z.array(z.string()) });

export const FullNameSuggestionQuery = z.strictObject({ parentId: Id, kind: OrgKind, name: z.string().trim().min(1).max(60) });

export const Region = z.object({
  code: z.string(),
  name: z.string(),
  level: z.enum(['PROVINCE', 'CITY', 'COUNTY', 'TOWNSHIP']),
  hasChildren: z.boolean(),
});
export type Region = z.infer<typeof Region>;
export const RegionQuery = z.strictObject({ parentCode: z.string().regex(/^(\d{2}|\d{4}|\d{6})$/).optional() });
export const RegionPathParams = z.strictObject({ code: RegionCode });

