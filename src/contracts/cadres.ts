import { z } from 'zod';
import { DateString, Id, OptionalText, PageQuery, QueryBool, RequiredText } from './common';
import { CadreNature, OrgKind } from './enums';
import { PhoneInput } from './members';

export const Cadre = z.object({
  id: z.number().int(),
  personId: z.number().int(),
  orgId: z.number().int(),
  orgName: z.string(),
  orgKind: OrgKind,
  name: z.string(),
  idNumber: z.string().describe('masked (SEC-4)'),
  phone: z.string().nullable().describe('masked (SEC-4)'),
  position: z.string(),
  nature: CadreNature.nullable(),
  startedAt: z.string(),
  endedAt: z.string().nullable(),
  endNote: z.string().nullable(),
  previousId: z.number().int().nullable(),
  isAdmin: z.boolean(),
  can: z.object({ change: z.boolean(), end: z.boolean(), grantAdmin: z.boolean() }),
});
export type Cadre = z.infer<typeof Cadre>;

export const ListCadresQuery = z.strictObject({
  ...PageQuery,
  /** The org whose 本级团干部 to list; defaults to the acting org. */
  orgId: Id.optional(),
  includeEnded: QueryBool.optional(),
});

/** CAD-1: 本级团干部 of a committee (branch cadres come with the member record). */
export const CreateCadreRequest = z.strictObject({
  orgId: Id,
  name: RequiredText(40, '姓名'),
  idNumber: z.string().trim().min(1, { message: '身份证号码不能为空' }).max(32),
  phone: PhoneInput.nullable().optional(),
  position: RequiredText(32, '职务'),
  nature: CadreNature.nullable().optional(),
  startedAt: DateString.optional(),
});
export type CreateCadreRequest = z.infer<typeof CreateCadreRequest>;

/** CAD-3: 职务变更 ends the current post and starts the new one, keeping the history. */
export const ChangeCadrePositionRequest = z.strictObject({
  position: RequiredText(32, '职务'),
  nature: CadreNature.nullable().optional(),
  startedAt: DateString.optional(),
  note: OptionalText(200),
});

export const EndCadreRequest = z.strictObject({ endedAt: DateString.optional(), note: OptionalText(200) });

export const Admin = z.object({
  id: z.number().int(),
  personId: z.number().int(),
  orgId: z.number().int(),
  orgName: z.string(),
  name: z.string(),
  idNumber: z.string().describe('masked (SEC-4)'),
  phone: z.string().nullable().describe('masked (SEC-4)'),
  position: z.string().nullable(),
  grantedAt: z.string(),
  grantedByName: z.string().nullable(),
  revokedAt: z.string().nullable(),
  revokedByName: z.string().nullable(),
  can: z.object({ revoke: z.boolean() }),
});
export type Admin = z.infer<typeof Admin>;

export const ListAdminsQuery = z.strictObject({ ...PageQuery, orgId: Id.optional(), includeRevoked: QueryBool.optional() });

/** ADM-1: the new admin is chosen among the org's current cadres. */
export const GrantAdminRequest = z.strictObject({ orgId: Id, personId: Id });
