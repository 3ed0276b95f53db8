import type { Database, Db } from '../db/client';
import type { IndustryCategory, LeadershipLevel, OrgKind } from '../domain/enums';
import type { Clock } from '../lib/clock';
import type { PiiCipher } from '../lib/pii';
import type { AppConfig } from './config';

/** What every service gets: the infrastructure, never the HTTP request. */
export interface AppContext {
  db: Db;
  database: Database;
  clock: Clock;
  cipher: PiiCipher;
  config: AppConfig;
}

/** Who is asking, from where (audit needs both). */
export interface Actor {
  personId: number;
  name: string;
  sessionId: string;
  ip: string;
  requestId: string;
}

/** The org an admin acts for (x-org-id), verified against their active grants on every request. */
export interface AdminScope {
  orgId: number;
  path: string;
  name: string;
  kind: OrgKind;
  leadershipLevel: LeadershipLevel | null;
  industryCategory: IndustryCategory;
}

export interface AdminActor extends Actor {
  scope: AdminScope;
}
