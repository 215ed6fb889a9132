import { Button, Layout, Menu, Space, Tag, Typography } from 'antd';
import { LogoutOutlined } from '@ant-design/icons';
import { Outlet, useLocation, useNavigate } from 'react-router';
import { accessFor } from '../lib/access';
import { zhCN } from '../locales/zh-CN';
import { logoutSession } from './auth';
import { useSessionStore } from './context';
import { menuItems, selectedMenuKey } from './routes';
import { useSession } from './session';

const { Header, Sider, Content } = Layout;
const t = zhCN;

/** AppLayout is the signed-in frame: the side menu (from the route table), the user and sign-out. */
export function AppLayout() {
  const store = useSessionStore();
  const session = useSession(store);
  const navigate = useNavigate();
  const location = useLocation();
  if (!session) return null;
  const access = accessFor(session.user.roles);

  const items = menuItems(access);
  const selected = selectedMenuKey(location.pathname);

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
          <Typography.Text strong style={{ fontSize: 16 }}>
            {t.app.fullName}
          </Typography.Text>
          <Space size="middle">
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
          <Outlet />
        </Content>
      </Layout>
    </Layout>
  );
}
