import { z } from 'zod';
import { Id, OptionalText, PageQuery, RequiredText, YearMonth } from './common';
import { OrgKind, SpecialKind } from './enums';
import { NODE_KINDS, NODE_STATES, STARTER_SIDES, TARGET_SCOPES, TRANSFER_REASONS, TRANSFER_STATUSES, TIMEOUT_ACTIONS } from '../domain/transfers';

export const TransferReason = z.enum(TRANSFER_REASONS);
export const TargetScope = z.enum(TARGET_SCOPES);
export const NodeKind = z.enum(NODE_KINDS);
export const NodeState = z.enum(NODE_STATES);
export const TransferStatus = z.enum(TRANSFER_STATUSES);
export const StarterSide = z.enum(STARTER_SIDES);

export const TransferFieldsInput = z.strictObject({
  schoolName: OptionalText(100),
  unitName: OptionalText(100),
  address: OptionalText(200),
  abroadPlace: OptionalText(100),
  abroadPeriod: OptionalText(100),
  contactName: OptionalText(50),
  contactPhone: OptionalText(20),
});

const TransferDetailsInput = {
  reason: TransferReason,
  targetScope: TargetScope.default('NATIONAL'),
  fields: TransferFieldsInput.default({}),
  targetOrgId: Id.nullable().optional(),
  /** TR-13: the detailed address and anything else the receiving org needs to pick the branch. */
  remark: OptionalText(500),
};

/** TR-1 sending side: members of the acting admin's subtree (batch). */
export const StartTransfersRequest = z.strictObject({ memberIds: z.array(Id).min(1).max(100), ...TransferDetailsInput });
/** TR-1 receiving side: the member is found by name + ID number. */
export const StartIncomingTransferRequest = z.strictObject({ name: RequiredText(50, '姓名'), idNumber: RequiredText(18, '身份证号码'), ...TransferDetailsInput });
/** TR-1 the member in 个人中心. */
export const StartMyTransferRequest = z.strictObject(TransferDetailsInput);

export const LookupMemberRequest = z.strictObject({ name: RequiredText(50, '姓名'), idNumber: RequiredText(18, '身份证号码') });
export const LookupMemberResponse = z.object({
  name: z.string(),
  idNumber: z.string(),
  branchName: z.string(),
  schoolToSociety: z.boolean(),
  hasOpenTransfer: z.boolean(),
});

export const TransferNode = z.object({
  id: z.number().int(),
  seq: z.number().int(),
  kind: NodeKind,
  orgId: z.number().int(),
  orgName: z.string(),
  state: NodeState,
  timeoutAction: z.enum(TIMEOUT_ACTIONS),
  openedAt: z.string().nullable(),
  dueAt: z.string().nullable(),
  remindedAt: z.string().nullable(),
  decidedAt: z.string().nullable(),
  decidedByName: z.string().nullable(),
  note: z.string().nullable(),
  allocatedBranchName: z.string().nullable(),
  can: z.object({ approve: z.boolean(), reject: z.boolean(), allocate: z.boolean() }),
});

export const TransferListItem = z.object({
  id: z.number().int(),
  memberId: z.number().int(),
  memberName: z.string(),
  reason: TransferReason,
  schoolToSociety: z.boolean(),
  status: TransferStatus,
  starterSide: StarterSide,
  fromBranchName: z.string(),
  toOrgName: z.string().nullable(),
  createdAt: z.string(),
  endedAt: z.string().nullable(),
});

export const Transfer = TransferListItem.extend({
  targetScope: TargetScope,
  fields: z.record(z.string(), z.string().nullable()),
  remark: z.string().nullable(),
  startedByName: z.string(),
  fromBranchFullName: z.string(),
  toOrgFullName: z.string().nullable(),
  finalBranchName: z.string().nullable(),
  endNote: z.string().nullable(),
  nodes: z.array(TransferNode),
  can: z.object({ cancel: z.boolean(), letter: z.boolean() }),
});

export const ListTransfersQuery = z.strictObject({
  status: TransferStatus.optional(),
  q: z.string().trim().max(50).optional(),
  ...PageQuery,
});

export const InboxItem = z.object({
  nodeId: z.number().int(),
  transferId: z.number().int(),
  kind: NodeKind,
  memberName: z.string(),
  reason: TransferReason,
  fromBranchName: z.string(),
  toOrgName: z.string().nullable(),
  orgName: z.string(),
  openedAt: z.string(),
  dueAt: z.string(),
  ageDays: z.number().int(),
  overdueSoon: z.boolean(),
  remark: z.string().nullable(),
});

export const Notice = z.object({
  id: z.number().int(),
  transferId: z.number().int(),
  kind: z.string(),
  message: z.string(),
  createdAt: z.string(),
});

export const RejectNodeRequest = z.strictObject({ reason: RequiredText(200, '退回理由') });
export const AllocateNodeRequest = z.strictObject({ branchId: Id });
export const CancelTransferRequest = z.strictObject({ reason: OptionalText(200) });
export const BatchApproveRequest = z.strictObject({ nodeIds: z.array(Id).min(1).max(100) });
export const BatchApproveResponse = z.object({
  results: z.array(z.object({ nodeId: z.number().int(), ok: z.boolean(), code: z.string().optional(), message: z.string().optional() })),
});

export const TargetSearchQuery = z.strictObject({
  q: z.string().trim().min(1).max(50),
  scope: TargetScope.default('NATIONAL'),
  ...PageQuery,
});
export const TargetOrg = z.object({
  id: z.number().int(),
  name: z.string(),
  fullName: z.string(),
  kind: OrgKind,
  specialKind: SpecialKind.nullable(),
  isTownship: z.boolean().nullable(),
  regionName: z.string().nullable(),
  parentName: z.string().nullable(),
});

export const TargetSuggestionQuery = z.strictObject({
  reason: TransferReason,
  regionCode: z.string().regex(/^\d{6}(\d{3})?$/).optional(),
  memberId: Id.optional(),
});
export const TargetSuggestion = TargetOrg.extend({ why: z.string() });

export const IssueLetterRequest = z.strictObject({
  transferIds: z.array(Id).min(1).max(100),
  feePaidUntil: YearMonth,
  validDays: z.coerce.number().int().min(1).max(365).default(30),
});
export const Letter = z.object({
  id: z.number().int(),
  number: z.string(),
  issuerName: z.string(),
  issuerFullName: z.string(),
  toName: z.string(),
  memberNames: z.array(z.string()),
  count: z.number().int(),
  feePaidUntil: z.string(),
  validDays: z.number().int(),
  issuedAt: z.string(),
});

export type StartTransfersRequest = z.infer<typeof StartTransfersRequest>;
export type StartIncomingTransferRequest = z.infer<typeof StartIncomingTransferRequest>;
export type StartMyTransferRequest = z.infer<typeof StartMyTransferRequest>;
export type Transfer = z.infer<typeof Transfer>;
export type TransferListItem = z.infer<typeof TransferListItem>;
export type TransferNode = z.infer<typeof TransferNode>;
export type InboxItem = z.infer<typeof InboxItem>;
export type TargetOrg = z.infer<typeof TargetOrg>;
export type TargetSuggestion = z.infer<typeof TargetSuggestion>;
export type Letter = z.infer<typeof Letter>;
export type Notice = z.infer<typeof Notice>;
