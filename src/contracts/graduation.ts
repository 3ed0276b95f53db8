import { z } from 'zod';
import { GRADUATION_EXEMPT_REASONS } from '../domain/enums';
import { Id, YearMonth } from './common';

const Ids = z.array(Id).min(1, { message: '请至少选择一项' }).max(500, { message: '一次最多选择500项' });

/** GRAD-1…4: one shared mark for every selected branch; `confirm` is the answer to the warning. */
export const MarkBranchesRequest = z.strictObject({
  branchIds: Ids,
  graduationAt: YearMonth.nullable(),
  exemptReason: z.enum(GRADUATION_EXEMPT_REASONS).nullable(),
  confirm: z.boolean(),
});
export type MarkBranchesRequest = z.infer<typeof MarkBranchesRequest>;

export const MarkedBranch = z.object({
  id: z.number().int(),
  name: z.string(),
  graduationAt: z.string().nullable(),
  graduationExemptReason: z.enum(GRADUATION_EXEMPT_REASONS).nullable(),
  category: z.enum(['NORMAL', 'GRADUATE']),
});
export const MarkBranchesResponse = z.object({ items: z.array(MarkedBranch) });

/** GRAD-6: 延迟毕业团员 (a later time and a reason) or 教师 (no date). */
export const GraduateMarkInput = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('DELAYED'), graduationAt: YearMonth, reason: z.string().trim().min(1, { message: '请填写延迟毕业原因' }).max(200) }),
  z.strictObject({ kind: z.literal('TEACHER') }),
]);
export type GraduateMarkInput = z.infer<typeof GraduateMarkInput>;

export const MarkMembersRequest = z.strictObject({ memberIds: Ids, mark: GraduateMarkInput });
export type MarkMembersRequest = z.infer<typeof MarkMembersRequest>;
export const RevokeMemberMarksRequest = z.strictObject({ memberIds: Ids });

export const MarkedMember = z.object({
  id: z.number().int(),
  name: z.string(),
  graduateStatus: z.enum(['GRADUATE', 'DELAYED', 'TEACHER']).nullable(),
  graduationAt: z.string().nullable(),
  branchId: z.number().int(),
  branchName: z.string(),
});
export const MarkMembersResponse = z.object({ items: z.array(MarkedMember) });

export const EmptyBranch = z.object({
  id: z.number().int(),
  name: z.string(),
  fullName: z.string(),
  category: z.enum(['NORMAL', 'GRADUATE']),
  specialKind: z.enum(['TRANSITION', 'MOBILE_GRADUATES', 'ABROAD_STUDY', 'DELAYED']).nullable(),
  graduationAt: z.string().nullable(),
  parentName: z.string(),
  updatedAt: z.string(),
});
export const DeleteEmptyBranchesRequest = z.strictObject({ branchIds: Ids });
export const DeleteEmptyBranchesResponse = z.object({ deleted: z.number().int() });
