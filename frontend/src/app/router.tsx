import { lazy, Suspense, type ReactNode } from 'react';
import { Spin } from 'antd';
import { createBrowserRouter, Navigate, Outlet, useLocation } from 'react-router';
import { LoginPage } from '../features/auth/LoginPage';
import { accessFor, permits } from '../lib/access';
import { zhCN } from '../locales/zh-CN';
import { page } from './lazyPage';
import { useSessionStore } from './context';
import { paths } from './paths';
import { kinds } from '../features/kinds';
import { routes, type AppRoute } from './routes';
import { useSession, useSessionStatus } from './session';

// The signed-in frame (side menu, header) loads after the sign-in page (19 item 7).
const AppLayout = page(() => import('./AppLayout'), 'AppLayout');
// The refusal page loads when first shown (antd's Result is not for the first screen).
const Forbidden = lazy(async () => ({ default: (await import('./Forbidden')).Forbidden }));

/** RequireSession waits for a reload's session restore, then sends anyone without a session to the login page, remembering where they were. */
function RequireSession() {
  const store = useSessionStore();
  const session = useSession(store);
  const status = useSessionStatus(store);
  const location = useLocation();
  if (!session && status === 'restoring') {
    return (
      // In a main landmark: its text is the page's content while it shows (axe region).
      <main style={{ minHeight: '100vh', display: 'flex', alignItems: 'center', justifyContent: 'center' }} data-testid="session-restoring">
        <Spin size="large" tip={zhCN.auth.restoring}>
          <div style={{ width: 200, height: 80 }} />
        </Spin>
      </main>
    );
  }
  if (!session) return <Navigate to={paths.login} replace state={{ from: location.pathname + location.search }} />;
  return <Outlet />;
}

/** RequireAccess shows the page only to users whose roles grant its access key; the server still checks every call. */
function RequireAccess({ route, children }: { route: AppRoute; children: ReactNode }) {
  const session = useSession(useSessionStore());
  if (permits(accessFor(session?.user.roles ?? []), route.access)) return children;
  return (
    <Suspense fallback={<Spin size="large" style={{ display: 'block', margin: '120px auto' }} />}>
      <Forbidden atWorkbench={route.path === paths.workbench} />
    </Suspense>
  );
}

/** createAppRouter builds the router from the route table (routes.tsx). */
export function createAppRouter() {
  return createBrowserRouter([
    { path: paths.login, element: <LoginPage /> },
    // Pages a kind opens to everyone, without a session (features/kinds.ts).
    ...Object.values(kinds).flatMap((k) => (k.publicPage ? [k.publicPage] : [])),
    {
      element: <RequireSession />,
      children: [
        {
          element: <AppLayout />,
          children: [
            ...routes.map((r) => ({ path: r.path, element: <RequireAccess route={r}>{r.element}</RequireAccess> })),
            { path: '*', element: <Navigate to={paths.workbench} replace /> },
          ],
        },
      ],
    },
  ]);
}
