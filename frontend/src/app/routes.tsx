// The one route table (like ant-design-pro's config/routes.ts): the router and
// the side menu both derive from it, and each route names the access key
// (lib/access.ts) it needs. Each kind contributes its intake route through
// features/kinds.ts.
import type { ReactNode } from 'react';
import {
  ApiOutlined,
  AppstoreOutlined,
  AuditOutlined,
  CloudUploadOutlined,
  FolderOpenOutlined,
  IdcardOutlined,
  MessageOutlined,
  SafetyCertificateOutlined,
  SearchOutlined,
  SendOutlined,
  TeamOutlined,
  ToolOutlined,
  UnorderedListOutlined,
  VerifiedOutlined,
} from '@ant-design/icons';
import { matchRoutes } from 'react-router';
import { permits, type Access } from '../lib/access';
import { zhCN } from '../locales/zh-CN';
import { kinds } from '../features/kinds';
import { IntakeDraft } from '../features/intake/IntakeDraft';
import { page } from './lazyPage';
import { paths } from './paths';

// Pages load on first visit (19 item 7: the first screen needs none of them).
const WorkbenchPage = page(() => import('../features/workbench/WorkbenchPage'), 'WorkbenchPage');
const CaseListPage = page(() => import('../features/case/CaseListPage'), 'CaseListPage');
const CaseDetailPage = page(() => import('../features/case/CaseDetailPage'), 'CaseDetailPage');
const UsersPage = page(() => import('../features/admin/UsersPage'), 'UsersPage');
const AuditLogPage = page(() => import('../features/admin/AuditLogPage'), 'AuditLogPage');
const OperationsPage = page(() => import('../features/admin/OperationsPage'), 'OperationsPage');
const QueryPage = page(() => import('../features/query/QueryPage'), 'QueryPage');
const OnlineQueuePage = page(() => import('../features/online/OnlineQueuePage'), 'OnlineQueuePage');
const SealsPage = page(() => import('../features/seals/SealsPage'), 'SealsPage');
const VerifyDocumentPage = page(() => import('../features/seals/VerifyDocumentPage'), 'VerifyDocumentPage');
const MySealsPage = page(() => import('../features/seals/MySealsPage'), 'MySealsPage');
const ArchivesPage = page(() => import('../features/archive/ArchivesPage'), 'ArchivesPage');
const ArchivePrintPage = page(() => import('../features/archive/ArchivePrintPage'), 'ArchivePrintPage');
// Internet+ screens (issue 18).
const PortalMessagesPage = page(() => import('../features/portal/PortalMessagesPage'), 'PortalMessagesPage');
const FoundCardsPage = page(() => import('../features/portal/FoundCardsPage'), 'FoundCardsPage');
const IntegratorClientsPage = page(() => import('../features/portal/IntegratorClientsPage'), 'IntegratorClientsPage');
const WebhookDeliveriesPage = page(() => import('../features/portal/WebhookDeliveriesPage'), 'WebhookDeliveriesPage');

/** AppRoute is a page inside the signed-in layout. */
export interface AppRoute {
  /** The absolute path (react-router syntax). */
  path: string;
  element: ReactNode;
  /** The side menu entry; routes without one are reached by links. */
  menu?: { label: string; icon: ReactNode };
  /** The page's name in the tab title and the breadcrumbs when it differs from the menu label (required without a menu entry). */
  title?: string;
  /** The access key the user needs; the page is open to every signed-in user without one. */
  access?: keyof Access;
}

export const routes: readonly AppRoute[] = [
  {
    path: paths.workbench,
    element: <WorkbenchPage />,
    menu: { label: zhCN.menu.workbench, icon: <AppstoreOutlined /> },
    access: 'canViewCases',
  },
  {
    path: paths.cases,
    element: <CaseListPage />,
    menu: { label: zhCN.menu.cases, icon: <UnorderedListOutlined /> },
    access: 'canViewCases',
  },
  { path: '/cases/:id', element: <CaseDetailPage />, title: zhCN.caseDetail.title, access: 'canViewCases' },
  // Every kind's intake asks before unsaved input is left, and keeps a draft (19 item 5).
  ...Object.entries(kinds).map(([kind, k]) => ({ ...k.intake, element: <IntakeDraft kind={kind}>{k.intake.element}</IntakeDraft> })),
  { path: paths.online, element: <OnlineQueuePage />, menu: { label: zhCN.menu.online, icon: <CloudUploadOutlined /> }, access: 'canIntake' },
  {
    path: paths.portalMessages,
    element: <PortalMessagesPage />,
    menu: { label: zhCN.menu.portalMessages, icon: <MessageOutlined /> },
    access: 'canAnswerPortalMessages',
  },
  { path: paths.foundCards, element: <FoundCardsPage />, menu: { label: zhCN.menu.foundCards, icon: <IdcardOutlined /> }, access: 'canIntake' },
  {
    path: paths.query,
    element: <QueryPage />,
    menu: { label: zhCN.menu.query, icon: <SearchOutlined /> },
    access: 'canQuery',
  },
  { path: '/query/:source', element: <QueryPage />, title: zhCN.menu.query, access: 'canQuery' },
  {
    path: paths.verifyDocument,
    element: <VerifyDocumentPage />,
    menu: { label: zhCN.menu.verifyDocument, icon: <SafetyCertificateOutlined /> },
    access: 'canVerifyDocuments',
  },
  {
    path: paths.archives,
    element: <ArchivesPage />,
    menu: { label: zhCN.menu.archives, icon: <FolderOpenOutlined /> },
    access: 'canSearchArchives',
  },
  { path: '/archives/print', element: <ArchivePrintPage />, title: zhCN.archivePrint.pageTitle, access: 'canSearchArchives' },
  { path: paths.adminUsers, element: <UsersPage />, menu: { label: zhCN.menu.adminUsers, icon: <TeamOutlined /> }, access: 'isAdmin' },
  { path: paths.adminAudit, element: <AuditLogPage />, menu: { label: zhCN.menu.adminAudit, icon: <AuditOutlined /> }, access: 'isAdmin' },
  {
    path: paths.adminOperations,
    element: <OperationsPage />,
    menu: { label: zhCN.menu.adminOperations, icon: <ToolOutlined /> },
    access: 'isAdmin',
  },
  { path: paths.adminSeals, element: <SealsPage />, menu: { label: zhCN.menu.adminSeals, icon: <VerifiedOutlined /> }, access: 'isAdmin' },
  { path: paths.mySeals, element: <MySealsPage />, menu: { label: zhCN.menu.mySeals, icon: <VerifiedOutlined /> }, access: 'canVerifyDocuments' },
  {
    path: paths.adminIntegrators,
    element: <IntegratorClientsPage />,
    menu: { label: zhCN.menu.integratorClients, icon: <ApiOutlined /> },
    access: 'isAdmin',
  },
  { path: paths.adminWebhooks, element: <WebhookDeliveriesPage />, menu: { label: zhCN.menu.webhookDeliveries, icon: <SendOutlined /> }, access: 'isAdmin' },
];

/** menuItems are the side menu's entries the user may open, in table order, keyed by path. */
export function menuItems(access: Access, table: readonly AppRoute[] = routes) {
  return table
    .filter((r) => r.menu && permits(access, r.access))
    .map((r) => ({ key: r.path, icon: r.menu?.icon, label: r.menu?.label }));
}

/** selectedMenuKey is the menu entry a location belongs to: the longest menu path it is under. */
export function selectedMenuKey(pathname: string, table: readonly AppRoute[] = routes): string {
  const under = (p: string) => (p === '/' ? pathname === '/' : pathname === p || pathname.startsWith(`${p}/`));
  const hit = table.filter((r) => r.menu && under(r.path)).sort((a, b) => b.path.length - a.path.length)[0];
  return hit?.path ?? paths.workbench;
}

/** routeLabel is a page's name: its title, else its menu label. */
export const routeLabel = (r: AppRoute): string => r.title ?? r.menu?.label ?? '';

/** routeAt is the route a location shows (react-router's ranking: /query beats /query/:source for "/query"). */
export function routeAt(pathname: string, table: readonly AppRoute[] = routes): AppRoute | undefined {
  return matchRoutes(
    table.map((r) => ({ path: r.path, route: r })),
    pathname,
  )?.[0]?.route.route;
}

/** Crumb is one step of the breadcrumbs: the address it links to and the route there. */
export interface Crumb {
  href: string;
  label: string;
  route: AppRoute;
}

/**
 * breadcrumbs is the trail to a location, from the route table: every leading part of the
 * address that is a page, the workbench first (/cases/Q2F… → 工作台 › 案件列表 › 案件详情).
 * A part named like the one before it (/query/户籍人口 is 查询统计 too) is not repeated.
 */
export function breadcrumbs(pathname: string, table: readonly AppRoute[] = routes): Crumb[] {
  const parts = pathname.split('/').filter(Boolean);
  const trail: Crumb[] = [];
  for (let i = 0; i <= parts.length; i++) {
    const href = `/${parts.slice(0, i).join('/')}`;
    const route = routeAt(href, table);
    if (!route) continue;
    const label = routeLabel(route);
    if (trail.at(-1)?.label === label) trail[trail.length - 1] = { href, label, route };
    else trail.push({ href, label, route });
  }
  return trail;
}
