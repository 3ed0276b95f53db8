import { Button, Result, Spin } from 'antd';
import { Navigate, Outlet, Route, Routes, useLocation } from 'react-router-dom';
import { AppHeader } from './components/AppHeader';
import { IdleWatcher } from './components/IdleWatcher';
import { Suspense, lazy } from 'react';
import { ChangePasswordPage } from './pages/ChangePasswordPage';
import { ChooseRolePage } from './pages/ChooseRolePage';
import { LoginPage } from './pages/LoginPage';
import { MfaPage } from './pages/MfaPage';
import { useSessionApi } from './session/context';

// The pages behind the login load on first use, so the login page on a phone does not wait for the
// management center (tables, forms, import, charts).
const ManagePage = lazy(() => import('./manage/ManagePage').then((m) => ({ default: m.ManagePage })));
const LetterPage = lazy(() => import('./transfers/LetterPage').then((m) => ({ default: m.LetterPage })));
const MePage = lazy(() => import('./pages/MePage').then((m) => ({ default: m.MePage })));
const SecurityPage = lazy(() => import('./pages/SecurityPage').then((m) => ({ default: m.SecurityPage })));
const BootstrapPage = lazy(() => import('./pages/BootstrapPage').then((m) => ({ default: m.BootstrapPage })));

function FullPageSpin() {
  return (
    <div style={{ display: 'flex', justifyContent: 'center', alignItems: 'center', minHeight: '60vh' }}>
      <Spin size="large" />
    </div>
  );
}

/** Everything but the login page: needs a session, and a pending password change comes first. */
function RequireSession() {
  const { state, retry } = useSessionApi();
  const location = useLocation();
  if (state.status === 'loading') return <FullPageSpin />;
  if (state.status === 'error') {
    return (
      <Result
        status="warning"
        title="暂时无法连接服务器"
        subTitle={state.message}
        extra={<Button type="primary" onClick={() => void retry()}>重试</Button>}
      />
    );
  }
  if (state.status === 'out') {
    // Only after a timeout does the user come back to where they were; a logout starts afresh.
    const from = state.expired ? location.pathname + location.search : undefined;
    return <Navigate to="/login" replace state={{ from, notice: state.notice }} />;
  }
  // Issue 7: an admin's second factor first, then a pending password change.
  if (state.session.mfa) return <Navigate to="/mfa" replace state={{ from: location.pathname + location.search }} />;
  if (state.session.mustChangePassword && location.pathname !== '/password') return <Navigate to="/password" replace />;
  return (
    <>
      <AppHeader />
      <IdleWatcher minutes={state.session.idleTimeoutMinutes} />
      <div className="app-content">
        <Suspense fallback={<FullPageSpin />}>
          <Outlet />
        </Suspense>
      </div>
    </>
  );
}

function NotFound() {
  return <Result status="404" title="页面不存在" extra={<Button href="/">返回首页</Button>} />;
}

export function AppRoutes() {
  return (
    <Routes>
      <Route path="/login" element={<LoginPage />} />
      <Route path="/mfa" element={<MfaPage />} />
      <Route
        path="/bootstrap"
        element={
          <Suspense fallback={<FullPageSpin />}>
            <BootstrapPage />
          </Suspense>
        }
      />
      <Route element={<RequireSession />}>
        <Route path="/" element={<ChooseRolePage />} />
        <Route path="/password" element={<ChangePasswordPage />} />
        <Route path="/security" element={<SecurityPage />} />
        <Route path="/me" element={<MePage />} />
        <Route path="/manage/:orgId" element={<ManagePage />} />
        <Route path="/manage/:orgId/transfer-letters/:id" element={<LetterPage />} />
        <Route path="*" element={<NotFound />} />
      </Route>
    </Routes>
  );
}
