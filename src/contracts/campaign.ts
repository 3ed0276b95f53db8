import { z } from 'zod';
import { Id, PageQuery, QueryBool } from './common';

const RegionCode = z.string().regex(/^\d{9}$/, { message: '单位所在地应为9位乡镇街道区划代码' });

// Graduation campaign (issue 4/7, second half): MEM-7 destinations, TR-10 … TR-12 lists.

const Text = (max: number) => z.string().trim().max(max, { message: `不能超过${max}个字` }).nullable();

/** MEM-7: what the school records for one graduate. */
export const DestinationInput = z.strictObject({
  destinationUnit: Text(100),
  destinationAddress: Text(200),
  destinationRegionCode: RegionCode.nullable(),
  hukouAddress: Text(200),
  residenceAddress: Text(200),
  parentsAddress: Text(200),
});
export type DestinationInput = z.infer<typeof DestinationInput>;

export const DestinationsQuery = z.strictObject({ ...PageQuery, orgId: Id.optional(), incompleteOnly: QueryBool.optional() });

export const DestinationItem = z.object({
  memberId: z.number().int(),
  name: z.string(),
  idNumber: z.string().describe('masked'),
  branchId: z.number().int(),
  branchName: z.string(),
  graduateStatus: z.string().nullable(),
  graduationAt: z.string().nullable(),
  destinationUnit: z.string().nullable(),
  destinationAddress: z.string().nullable(),
  destinationRegionCode: z.string().nullable(),
  destinationRegionName: z.string().nullable(),
  hukouAddress: z.string().nullable(),
  residenceAddress: z.string().nullable(),
  parentsAddress: z.string().nullable(),
  complete: z.boolean(),
});
export type DestinationItem = z.infer<typeof DestinationItem>;
export const DestinationsPage = z.object({
  items: z.array(DestinationItem),
  total: z.number().int(),
  page: z.number().int(),
  pageSize: z.number().int(),
  /** Every graduate in the org's subtree and how many have a complete destination. */
  graduates: z.number().int(),
  completed: z.number().int(),
});

/** One row of a TR-10/11/12 list: a member (with where they are) or an org. */
export const CampaignItem = z.object({
  kind: z.enum(['MEMBER', 'ORG', 'TRANSFER']),
  id: z.number().int().describe('member, org or transfer id'),
  name: z.string(),
  orgId: z.number().int().nullable(),
  orgName: z.string().nullable(),
  since: z.string().nullable().describe('YYYY-MM-DD: in the branch since / transfer started'),
  dueAt: z.string().nullable(),
  note: z.string().nullable(),
});
export type CampaignItem = z.infer<typeof CampaignItem>;
export const CampaignList = z.object({ key: z.string(), title: z.string(), rule: z.string(), active: z.boolean(), total: z.number().int(), items: z.array(CampaignItem) });
export type CampaignList = z.infer<typeof CampaignList>;

export const CampaignOverview = z.object({
  today: z.string(),
  deadlines: z.object({ year: z.number().int(), start: z.string(), received: z.string(), furtherStudy: z.string(), enrolment: z.string(), newBranchesBy: z.string() }),
  lists: z.array(CampaignList),
  can: z.object({ placeMobile: z.boolean() }),
});
export type CampaignOverview = z.infer<typeof CampaignOverview>;

export const CampaignQuery = z.strictObject({ orgId: Id.optional() });

export const PlaceMobileRequest = z.strictObject({ memberIds: z.array(Id).min(1, { message: '请至少选择一项' }).max(500, { message: '一次最多选择500项' }) });
export const PlaceMobileResponse = z.object({ moved: z.number().int(), branches: z.array(z.object({ id: z.number().int(), name: z.string() })) });
