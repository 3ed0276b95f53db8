import { z } from 'zod';
import { OrgKind } from './enums';

export const LoginRequest = z.strictObject({
  username: z.string().trim().min(1, { message: '请输入身份证号码' }).max(32),
  password: z.string().min(1, { message: '请输入密码' }).max(512),
});
export type LoginRequest = z.infer<typeof LoginRequest>;

export const Role = z.object({
  orgId: z.number().int(),
  orgName: z.string(),
  orgFullName: z.string(),
  kind: OrgKind,
});
export type Role = z.infer<typeof Role>;

export const SessionPerson = z.object({
  id: z.number().int(),
  name: z.string(),
  idNumber: z.string().describe('masked (SEC-4)'),
  memberId: z.number().int().nullable(),
});

export const SessionResponse = z.object({
  csrfToken: z.string(),
  mustChangePassword: z.boolean(),
  /** Why the password must change: the initial or a reset password, or an admin password past its age. */
  passwordChangeReason: z.enum(['INITIAL', 'RESET', 'EXPIRED']).nullable(),
  person: SessionPerson,
  roles: z.array(Role),
  idleTimeoutMinutes: z.number().int(),
});
export type SessionResponse = z.infer<typeof SessionResponse>;

export const ChangePasswordRequest = z.strictObject({
  currentPassword: z.string().min(1, { message: '请输入当前密码' }).max(512),
  newPassword: z.string().min(1, { message: '请输入新密码' }).max(512),
});
export type ChangePasswordRequest = z.infer<typeof ChangePasswordRequest>;
