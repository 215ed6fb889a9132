import { useState } from 'react';
import { Alert, Button, Form, Input, Typography } from 'antd';
import { LockOutlined, UserOutlined } from '@ant-design/icons';
import { Navigate, useLocation, useNavigate } from 'react-router';
import { useMutation } from '@apollo/client/react';
import { LoginDocument, type LoginInput } from '../../graphql/generated/shell';
import { useSessionStore } from '../../app/context';
import { csrfHeaders } from '../../app/auth';
import { useSession, useSessionStatus } from '../../app/session';
import { usePageTitle } from '../../app/pageTitle';
import { classifyError } from '../../lib/errors';
import { zhCN } from '../../locales/zh-CN';

const t = zhCN.auth;

/** LoginPage signs a user in and returns to the page they came from. */
export function LoginPage() {
  const store = useSessionStore();
  const session = useSession(store);
  const status = useSessionStatus(store);
  const navigate = useNavigate();
  const location = useLocation();
  const [login, { loading }] = useMutation(LoginDocument);
  const [error, setError] = useState<string | null>(null);
  usePageTitle(t.title);
  const state: unknown = location.state;
  const from =
    typeof state === 'object' && state !== null && 'from' in state && typeof state.from === 'string' ? state.from : '/';

  if (session) return <Navigate to={from} replace />;

  const onFinish = async (input: LoginInput) => {
    setError(null);
    try {
      // The CSRF header asks the server for the HttpOnly refresh cookie (the token never reaches script).
      const { data } = await login({ variables: { input }, context: { headers: csrfHeaders } });
      if (data) {
        store.set(data.login);
        void navigate(from, { replace: true });
      }
    } catch (e) {
      setError(classifyError(e).message);
    }
  };

  return (
    <div
      style={{
        minHeight: '100vh',
        display: 'flex',
        alignItems: 'center',
        justifyContent: 'center',
        background: 'linear-gradient(135deg, #1d4f91 0%, #3f7fc9 100%)',
      }}
    >
      {/* A plain panel, not antd's Card: Card brings Tabs with it, which the first screen does not need (19 item 7). */}
      <main className="hukou-login-panel">
        <Typography.Title level={1} style={{ textAlign: 'center', marginBottom: 4, fontSize: 24 }}>
          {zhCN.app.name}
        </Typography.Title>
        <Typography.Paragraph type="secondary" style={{ textAlign: 'center' }}>
          {t.subtitle}
        </Typography.Paragraph>
        {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 16 }} />}
        {!error && status === 'expired' && (
          <Alert type="warning" showIcon message={t.sessionExpired} style={{ marginBottom: 16 }} data-testid="session-expired" />
        )}
        <Form<LoginInput> layout="vertical" onFinish={(v) => void onFinish(v)} requiredMark={false} size="large">
          <Form.Item label={t.username} name="username" rules={[{ required: true, message: t.usernameRequired }]}>
            <Input prefix={<UserOutlined />} autoComplete="username" autoFocus />
          </Form.Item>
          <Form.Item label={t.password} name="password" rules={[{ required: true, message: t.passwordRequired }]}>
            <Input.Password prefix={<LockOutlined />} autoComplete="current-password" />
          </Form.Item>
          <Button type="primary" htmlType="submit" block loading={loading}>
            {t.submit}
          </Button>
        </Form>
      </main>
    </div>
  );
}
