import { createContext, useContext } from 'react';
import type { SessionResponse } from '../api/types';

export type SessionState =
  | { status: 'loading' }
  | { status: 'error'; message: string }
  | { status: 'out'; notice?: string; expired?: boolean }
  | { status: 'in'; session: SessionResponse };

export interface SessionApi {
  state: SessionState;
  login(username: string, password: string): Promise<SessionResponse>;
  logout(): Promise<void>;
  /** Replaces the session after the server answered with a fresh one (e.g. after a password change). */
  signIn(session: SessionResponse): void;
  signOut(notice?: string, expired?: boolean): void;
  retry(): Promise<void>;
}

export const SessionContext = createContext<SessionApi | null>(null);

export function useSessionApi(): SessionApi {
  const ctx = useContext(SessionContext);
  if (!ctx) throw new Error('SessionProvider missing');
  return ctx;
}

/** The logged-in session; only for components rendered behind the session guard. */
export function useSession(): SessionResponse {
  const { state } = useSessionApi();
  if (state.status !== 'in') throw new Error('no session');
  return state.session;
}
