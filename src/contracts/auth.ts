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
  /**
   * Issue 7: what an admin still owes after the password — REQUIRED (enter a TOTP or recovery code),
   * ENROLL (bind an authenticator first); null when nothing is owed (members, a verified admin).
   */
  mfa: z.enum(['REQUIRED', 'ENROLL']).nullable(),
});
export type SessionResponse = z.infer<typeof SessionResponse>;

export const ChangePasswordRequest = z.strictObject({
  currentPassword: z.string().min(1, { message: '请输入当前密码' }).max(512),
  newPassword: z.string().min(1, { message: '请输入新密码' }).max(512),
});
export type ChangePasswordRequest = z.infer<typeof ChangePasswordRequest>;

// ---- the admin second factor (issue 7) ---------------------------------------------------------

export const MfaVerifyRequest = z
  .strictObject({
    code: z.string().trim().regex(/^\d{6}$/, { message: '请输入6位数字验证码' }).optional(),
    recoveryCode: z.string().trim().min(1).max(32).optional(),
  })
  .refine((b) => (b.code === undefined) !== (b.recoveryCode === undefined), { message: '请输入验证码或恢复码（二选一）' });
export type MfaVerifyRequest = z.infer<typeof MfaVerifyRequest>;

export const MfaEnrollmentRequest = z.strictObject({
  /** Required when the session is already verified (re-enrolling is a re-authentication). */
  password: z.string().min(1).max(512).optional(),
});

export const MfaEnrollment = z.object({
  secret: z.string().describe('base32, for manual entry'),
  otpauthUri: z.string(),
  qrDataUrl: z.string().describe('PNG data URL of otpauthUri'),
});
export type MfaEnrollment = z.infer<typeof MfaEnrollment>;

export const MfaConfirmRequest = z.strictObject({
  code: z.string().trim().regex(/^\d{6}$/, { message: '请输入6位数字验证码' }),
});

export const RecoveryCodes = z.object({
  recoveryCodes: z.array(z.string()).describe('shown once; only hashes are stored'),
});

export const MfaConfirmResponse = RecoveryCodes.extend({ session: SessionResponse });
export type MfaConfirmResponse = z.infer<typeof MfaConfirmResponse>;

export const PasswordReauthRequest = z.strictObject({
  password: z.string().min(1, { message: '请输入当前密码' }).max(512),
});

export const MfaStatus = z.object({
  required: z.boolean(),
  enrolled: z.boolean(),
  enrolledAt: z.string().nullable(),
  recoveryCodesRemaining: z.number().int(),
});
export type MfaStatus = z.infer<typeof MfaStatus>;

// ---- bootstrap: the first back-end admin (issue 7, no default superadmin) ------------------------

export const BootstrapStatus = z.object({ open: z.boolean() });

export const BootstrapRequest = z.strictObject({
  token: z.string().trim().min(1).max(256),
  name: z.string().trim().min(1, { message: '请输入姓名' }).max(32),
  idNumber: z.string().trim().min(1, { message: '请输入身份证号码' }).max(32),
  password: z.string().min(1, { message: '请输入密码' }).max(512),
  phone: z.string().trim().regex(/^1\d{10}$/, { message: '手机号码应为11位数字' }).optional(),
});
export type BootstrapRequest = z.infer<typeof BootstrapRequest>;

export const BootstrapResponse = z.object({ personId: z.number().int(), orgId: z.number().int(), orgName: z.string() });
