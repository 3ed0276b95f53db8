import type { SessionResponse } from '../api/types';

/** Where to go after login: back to the page the session timed out on, if this person may see it. */
export function landing(session: SessionResponse, from: string | undefined): string {
  if (session.mfa) return '/mfa'; // issue 7: an admin's second factor comes before anything else
  if (session.mustChangePassword) return '/password';
  if (!from) return '/';
  const manage = /^\/manage\/(\d+)/.exec(from);
  if (manage && !session.roles.some((r) => String(r.orgId) === manage[1])) return '/';
  if (from.startsWith('/me') && session.person.memberId === null) return '/';
  return from;
}

