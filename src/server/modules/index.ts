import type { AppContext } from '../context';
import type { ZApp } from '../http/types';
import { registerAdminRoutes } from './admins/admins.routes';
import { registerAuditRoutes } from './audit/audit.routes';
import { registerAuthRoutes } from './auth/auth.routes';
import { registerCadreRoutes } from './cadres/cadres.routes';
import { registerGraduationRoutes } from './graduation/graduation.routes';
import { registerImportRoutes } from './imports/imports.routes';
import { registerMeRoutes } from './me/me.routes';
import { registerMemberRoutes } from './members/members.routes';
import { registerOrgRoutes } from './orgs/orgs.routes';
import { registerRegionRoutes } from './regions/regions.routes';
import { registerSupervisionRoutes } from './supervision/supervision.routes';
import { registerBootstrapRoutes } from './system/bootstrap';
import { registerSystemRoutes } from './system/system.routes';
import { registerTransferRoutes } from './transfers/transfers.routes';

/** Every HTTP module, in registration order. A new module adds one line here. */
export const ROUTE_MODULES: ((app: ZApp, ctx: AppContext) => void)[] = [
  registerSystemRoutes,
  registerAuthRoutes,
  registerBootstrapRoutes,
  registerRegionRoutes,
  registerOrgRoutes,
  registerMemberRoutes,
  registerCadreRoutes,
  registerAdminRoutes,
  registerMeRoutes,
  registerAuditRoutes,
  registerGraduationRoutes,
  registerImportRoutes,
  registerTransferRoutes,
  registerSupervisionRoutes,
];
