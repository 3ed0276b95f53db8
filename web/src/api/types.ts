// API shapes, inferred from the server's zod contracts so the web never drifts from them.
import type { z } from 'zod';
import type { AuditEntry } from '../../../src/contracts/audit';
import type { Role, SessionResponse } from '../../../src/contracts/auth';
import type { Admin, Cadre } from '../../../src/contracts/cadres';
import type { Page } from '../../../src/contracts/common';
import type { MyProfile } from '../../../src/contracts/me';
import type { Member, MemberListItem, ResetPasswordResponse, RevealResponse } from '../../../src/contracts/members';
import type { Org, OrgSummary, OrgWithPath, Region } from '../../../src/contracts/orgs';
import type { OrgKind } from '../../../src/domain/enums';

export type { MfaConfirmResponse, MfaEnrollment, MfaStatus } from '../../../src/contracts/auth';
export type { AuditEntry, Role, SessionResponse, Admin, Cadre, Page, MyProfile, Member, MemberListItem, Org, OrgSummary, Region };
export type OrgHit = z.infer<typeof OrgWithPath>;
export type RevealResult = z.infer<typeof RevealResponse>;
export type ResetPasswordResult = z.infer<typeof ResetPasswordResponse>;
export type OrgFinding = { id: number; name: string; fullName: string; kind: OrgKind; memberCount: number; schoolCode: string | null };
