import { createBrowserRouter, Navigate, Outlet, useLocation } from 'react-router';
import { LoginPage } from '../features/auth/LoginPage';
import { WorkbenchPage } from '../features/workbench/WorkbenchPage';
import { CaseListPage } from '../features/case/CaseListPage';
import { CaseDetailPage } from '../features/case/CaseDetailPage';
import { BirthIntakePage } from '../features/birth/BirthIntakePage';
import { AppLayout } from './AppLayout';
import { useSessionStore } from './context';
import { useSession } from './session';

export const paths = {
  login: '/login',
  workbench: '/',
  cases: '/cases',
  caseDetail: (id: string) => `/cases/${encodeURIComponent(id)}`,
  birthIntake: '/birth/new',
};

/** RequireSession sends anyone without a session to the login page, remembering where they were. */
function RequireSession() {
  const session = useSession(useSessionStore());
  const location = useLocation();
  if (!session) return <Navigate to={paths.login} replace state={{ from: location.pathname + location.search }} />;
  return <Outlet />;
}

export function createAppRouter() {
  return createBrowserRouter([
    { path: paths.login, element: <LoginPage /> },
    {
      element: <RequireSession />,
      children: [
        {
          element: <AppLayout />,
          children: [
            { index: true, element: <WorkbenchPage /> },
            { path: 'cases', element: <CaseListPage /> },
            { path: 'cases/:id', element: <CaseDetailPage /> },
            { path: 'birth/new', element: <BirthIntakePage /> },
            { path: '*', element: <Navigate to="/" replace /> },
          ],
        },
      ],
    },
  ]);
}
