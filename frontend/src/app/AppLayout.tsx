import { Breadcrumb, Button, Layout, Menu, Space, Tag, Typography } from 'antd';
import { LogoutOutlined } from '@ant-design/icons';
import { Link, Outlet, useLocation, useNavigate } from 'react-router';
import { accessFor, permits } from '../lib/access';
import { zhCN } from '../locales/zh-CN';
import { logoutSession } from './auth';
import { useSessionStore } from './context';
import { usePageTitle } from './pageTitle';
import { breadcrumbs, menuItems, selectedMenuKey } from './routes';
import { useSession } from './session';

const { Header, Sider, Content } = Layout;
const t = zhCN;

/** AppLayout is the signed-in frame: the side menu (from the route table), the user and sign-out. */
export function AppLayout() {
  const store = useSessionStore();
  const session = useSession(store);
  const navigate = useNavigate();
  const location = useLocation();
  const trail = breadcrumbs(location.pathname);
  usePageTitle(trail.at(-1)?.label);
  if (!session) return null;
  const access = accessFor(session.user.roles);

  const items = menuItems(access);
  const selected = selectedMenuKey(location.pathname);
  // Each step links to its page, except the page shown and pages the user may not open.
  const crumbs = trail.map((c, i) => ({
    key: c.href,
    title: i < trail.length - 1 && permits(access, c.route.access) ? <Link to={c.href}>{c.label}</Link> : c.label,
  }));

  const signOut = () => {
    // The server revokes the session and clears the cookie; the token in memory goes at once.
    void logoutSession();
    store.clear();
  };

  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Sider width={200} theme="dark" breakpoint="lg" collapsedWidth={64}>
        <div style={{ color: '#fff', padding: '16px', fontSize: 18, fontWeight: 600, whiteSpace: 'nowrap' }}>
          {t.app.name}
        </div>
        <Menu theme="dark" mode="inline" selectedKeys={[selected]} items={items} onClick={({ key }) => void navigate(key)} />
      </Sider>
      <Layout>
        <Header
          style={{ background: '#fff', padding: '0 24px', display: 'flex', alignItems: 'center', justifyContent: 'space-between' }}
        >
          {/* The page's one level-one heading (axe page-has-heading-one), printed for assistive technology only
              (global.css); each page's own title is a level-two heading, its sections level three (axe heading-order). */}
          <Typography.Title level={1} style={{ fontSize: 16, margin: 0 }}>
            {t.app.fullName}
          </Typography.Title>
          <Space size="middle" className="hukou-no-print">
            <span>
              {session.user.office.name}
            </span>
            <span>{session.user.displayName}</span>
            {session.user.roles.map((r) => (
              <Tag key={r} color="blue">
                {t.roles[r]}
              </Tag>
            ))}
            <Button icon={<LogoutOutlined />} onClick={signOut}>
              {t.auth.logout}
            </Button>
          </Space>
        </Header>
        <Content>
          <Breadcrumb className="hukou-no-print" aria-label={t.app.breadcrumb} style={{ padding: '12px 24px 0' }} items={crumbs} />
          <Outlet />
        </Content>
      </Layout>
    </Layout>
  );
}
