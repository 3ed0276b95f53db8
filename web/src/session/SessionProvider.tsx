import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { ApiError, api, onAuthProblem, setCsrfToken } from '../api/client';
import type { SessionResponse } from '../api/types';
import { SessionContext, type SessionState } from './context';

const EXPIRED_NOTICE = '登录已超时，请重新登录';

/**
 * Holds who is logged in. The session itself is the httpOnly cookie; on page load we ask the server
 * (GET /api/auth/session) and keep only the CSRF token in memory.
 */
export function SessionProvider({ children }: { children: ReactNode }) {
  const queryClient = useQueryClient();
  const [state, setState] = useState<SessionState>({ status: 'loading' });
  const stateRef = useRef(state);
  useEffect(() => {
    stateRef.current = state;
  }, [state]);

  const signIn = useCallback(
    (session: SessionResponse) => {
      setCsrfToken(session.csrfToken);
      setState({ status: 'in', session });
    },
    [],
  );

  const signOut = useCallback(
    (notice?: string, expired = false) => {
      setCsrfToken(null);
      queryClient.clear();
      setState({ status: 'out', notice, expired });
    },
    [queryClient],
  );

  const probe = useCallback(async () => {
    setState({ status: 'loading' });
    try {
      signIn(await api.get<SessionResponse>('/api/auth/session', { skipAuthHandling: true }));
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) signOut();
      else setState({ status: 'error', message: err instanceof Error ? err.message : String(err) });
    }
  }, [signIn, signOut]);

  useEffect(() => {
    void probe();
  }, [probe]);

  useEffect(() => {
    onAuthProblem((err) => {
      if (err.status === 401) {
        if (stateRef.current.status === 'in') signOut(EXPIRED_NOTICE, true);
        return;
      }
      // PASSWORD_CHANGE_REQUIRED: the guard sends the user to the change-password screen.
      const cur = stateRef.current;
      if (cur.status === 'in' && !cur.session.mustChangePassword) {
        setState({ status: 'in', session: { ...cur.session, mustChangePassword: true } });
      }
    });
    return () => onAuthProblem(null);
  }, [signOut]);

  const login = useCallback(
    async (username: string, password: string) => {
      const session = await api.post<SessionResponse>('/api/auth/login', { username, password }, { skipAuthHandling: true });
      queryClient.clear();
      signIn(session);
      return session;
    },
    [queryClient, signIn],
  );

  const logout = useCallback(async () => {
    try {
      await api.post('/api/auth/logout', {}, { skipAuthHandling: true });
    } catch {
      // the session may already be gone; logging out locally is what matters
    }
    signOut('您已安全退出');
  }, [signOut]);

  const value = useMemo(() => ({ state, login, logout, signIn, signOut, retry: probe }), [state, login, logout, signIn, signOut, probe]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}
