import { z } from 'zod';
import { DateString, PageQuery } from './common';

export const AuditEntry = z.object({
  id: z.number().int(),
  at: z.string(),
  actorName: z.string().nullable(),
  actingOrgId: z.number().int().nullable(),
  action: z.string(),
  objectType: z.string().nullable(),
  objectId: z.string().nullable(),
  objectLabel: z.string().nullable(),
  changes: z.record(z.string(), z.object({ before: z.unknown(), after: z.unknown() })).nullable(),
  result: z.enum(['OK', 'DENIED', 'FAILED']),
  reason: z.string().nullable(),
  ip: z.string().nullable(),
});
export type AuditEntry = z.infer<typeof AuditEntry>;

export const ListAuditQuery = z.strictObject({
  ...PageQuery,
  action: z.string().trim().max(64).optional(),
  actorName: z.string().trim().max(40).optional(),
  result: z.enum(['OK', 'DENIED', 'FAILED']).optional(),
  from: DateString.optional(),
  to: DateString.optional(),
});

/** Chinese names of audited actions, for the log viewer. */
export const AUDIT_ACTION_LABELS: Record<string, string> = {
  LOGIN: '登录',
  LOGIN_FAILED: '登录失败',
  LOGOUT: '退出登录',
  PASSWORD_CHANGE: '修改密码',
  PASSWORD_RESET: '重置密码',
  ACCESS_DENIED: '拒绝访问',
  OPERATION_REFUSED: '操作被拒绝',
  ORG_CREATE: '新建组织',
  ORG_UPDATE: '修改组织',
  ORG_MOVE: '移动组织',
  ORG_DELETE: '删除组织',
  MEMBER_CREATE: '录入团员',
  MEMBER_UPDATE: '修改团员信息',
  MEMBER_SELF_UPDATE: '团员本人完善资料',
  MEMBER_LEAVE: '离团',
  MEMBER_RESTORE: '恢复团籍',
  MEMBER_REVEAL: '查看完整身份证号/手机号',
  MEMBER_EXPORT: '导出团员名单',
  CADRE_CREATE: '录入团干部',
  CADRE_CHANGE: '团干部职务变更',
  CADRE_END: '团干部卸任',
  ADMIN_GRANT: '新增管理员',
  ADMIN_REVOKE: '撤销管理员',
  // transfers (issue 3/7)
  TRANSFER_START: '发起组织关系转接',
  TRANSFER_APPROVE: '审批通过组织关系转接',
  TRANSFER_AUTO_APPROVE: '系统自动通过组织关系转接',
  TRANSFER_REJECT: '退回组织关系转接',
  TRANSFER_ALLOCATE: '分配团支部',
  TRANSFER_CANCEL: '撤销组织关系转接',
  TRANSFER_COMPLETE: '组织关系接转成功',
  TRANSFER_LETTER_ISSUE: '开具组织关系介绍信',
};
