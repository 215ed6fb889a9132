import { useState } from 'react';
import { Alert, App, Button, Card, Form, Input, Modal, Select, Space, Table, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { PlusOutlined } from '@ant-design/icons';
import { useMutation, useQuery } from '@apollo/client/react';
import {
  AdminCreateUserDocument,
  AdminOfficesDocument,
  AdminResetPasswordDocument,
  AdminUpdateUserDocument,
  AdminUsersDocument,
  type AdminUserFragment,
  type Role,
  type UserFilter,
} from '../../graphql/generated/graphql';
import { CursorPager, useCursors } from '../../components/CursorPager';
import { fieldErrorSetter } from '../../lib/forms';
import { formatTime } from '../../lib/format';
import { zhCN } from '../../locales/zh-CN';
import { useAdminAction } from './useAdminAction';
import { QueryErrorAlert } from '../../components/QueryErrorAlert';

const t = zhCN.admin.users;
const pageSize = 50;
const roleOptions = (Object.keys(zhCN.roles) as Role[]).map((r) => ({ value: r, label: zhCN.roles[r] }));
const stateOptions = [
  { value: 'active', label: t.active },
  { value: 'disabled', label: t.disabled },
];

interface FilterForm {
  search?: string;
  role?: Role;
  state?: 'active' | 'disabled';
  officeCode?: string;
}

interface UserForm {
  username: string;
  displayName: string;
  password: string;
  officeCode: string;
  roles: Role[];
}

/** useOfficeOptions lists the offices as picker options: name, then code. */
function useOfficeOptions() {
  const { data } = useQuery(AdminOfficesDocument);
  return (data?.offices ?? []).map((o) => ({ value: o.code, label: `${o.name}（${o.code}）` }));
}

/** UserDialog creates a user (user undefined) or edits one. */
function UserDialog({ user, onClose, onDone }: { user?: AdminUserFragment; onClose: () => void; onDone: () => void }) {
  const [form] = Form.useForm<UserForm>();
  const offices = useOfficeOptions();
  const run = useAdminAction(onDone);
  const [create, { loading: creating }] = useMutation(AdminCreateUserDocument);
  const [update, { loading: updating }] = useMutation(AdminUpdateUserDocument);
  const setFieldError = fieldErrorSetter(form, ['username', 'displayName', 'password', 'officeCode', 'roles']);
  const submit = async (v: UserForm) => {
    const ok = user
      ? await run(
          () =>
            update({
              variables: { input: { id: user.id, version: user.version, displayName: v.displayName, officeCode: v.officeCode, roles: v.roles } },
            }),
          t.saved,
          setFieldError,
        )
      : await run(() => create({ variables: { input: v } }), t.created, setFieldError);
    if (ok) {
      onDone();
      onClose();
    }
  };
  return (
    <Modal
      open
      title={user ? t.editTitle : t.createTitle}
      okText={zhCN.app.confirm}
      cancelText={zhCN.app.cancel}
      confirmLoading={creating || updating}
      onOk={() => form.submit()}
      onCancel={onClose}
      destroyOnHidden
    >
      {user && <Alert type="info" showIcon message={t.rightsHint} style={{ marginBottom: 16 }} />}
      <Form<UserForm>
        form={form}
        name="user"
        layout="vertical"
        initialValues={user ? { displayName: user.displayName, officeCode: user.office.code, roles: user.roles } : { roles: [] }}
        onFinish={(v) => void submit(v)}
      >
        {!user && (
          <Form.Item name="username" label={t.username} extra={t.usernameHint} rules={[{ required: true, message: t.required }]}>
            <Input autoComplete="off" autoFocus />
          </Form.Item>
        )}
        <Form.Item name="displayName" label={t.displayName} rules={[{ required: true, whitespace: true, message: t.required }]}>
          <Input autoFocus={!!user} maxLength={50} />
        </Form.Item>
        {!user && (
          <Form.Item name="password" label={t.password} extra={t.passwordHint} rules={[{ required: true, min: 8, max: 72, message: zhCN.errors.reasons['user.password'] }]}>
            <Input.Password autoComplete="new-password" />
          </Form.Item>
        )}
        <Form.Item name="officeCode" label={t.office} rules={[{ required: true, message: t.officeRequired }]}>
          <Select showSearch optionFilterProp="label" options={offices} placeholder={zhCN.app.selectPlaceholder} notFoundContent={zhCN.app.empty} />
        </Form.Item>
        <Form.Item name="roles" label={t.roles} rules={[{ required: true, type: 'array', min: 1, message: t.rolesRequired }]}>
          <Select mode="multiple" options={roleOptions} placeholder={zhCN.app.selectPlaceholder} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

/** ResetPasswordDialog sets a new password for user. */
function ResetPasswordDialog({ user, onClose, onDone }: { user: AdminUserFragment; onClose: () => void; onDone: () => void }) {
  const [form] = Form.useForm<{ password: string }>();
  const run = useAdminAction(onDone);
  const [reset, { loading }] = useMutation(AdminResetPasswordDocument);
  const submit = async ({ password }: { password: string }) => {
    if (await run(() => reset({ variables: { input: { id: user.id, password } } }), t.passwordReset, fieldErrorSetter(form, ['password']))) onClose();
  };
  return (
    <Modal
      open
      title={`${t.resetTitle}：${user.displayName}（${user.username}）`}
      okText={zhCN.app.confirm}
      cancelText={zhCN.app.cancel}
      confirmLoading={loading}
      onOk={() => form.submit()}
      onCancel={onClose}
      destroyOnHidden
    >
      <Form form={form} name="password" layout="vertical" onFinish={(v) => void submit(v)}>
        <Form.Item name="password" label={t.newPassword} extra={t.passwordHint} rules={[{ required: true, min: 8, max: 72, message: zhCN.errors.reasons['user.password'] }]}>
          <Input.Password autoComplete="new-password" autoFocus />
        </Form.Item>
      </Form>
    </Modal>
  );
}

type Dialog = { kind: 'create' } | { kind: 'edit'; user: AdminUserFragment } | { kind: 'reset'; user: AdminUserFragment } | null;

/** UsersPage is the administrator's user list: filter, create, edit, disable or enable, reset passwords (19 item 3). */
export function UsersPage() {
  const { modal } = App.useApp();
  const [filter, setFilter] = useState<UserFilter>({});
  const [dialog, setDialog] = useState<Dialog>(null);
  const offices = useOfficeOptions();
  const cursors = useCursors();
  const { data, loading, error, refetch } = useQuery(AdminUsersDocument, { variables: { filter, first: pageSize, after: cursors.after } });
  const refresh = () => void refetch();
  const run = useAdminAction(refresh);
  const [update] = useMutation(AdminUpdateUserDocument);

  const onSearch = (v: FilterForm) => {
    cursors.toFirst();
    setFilter({
      ...(v.search?.trim() ? { search: v.search.trim() } : {}),
      ...(v.role ? { role: v.role } : {}),
      ...(v.state ? { disabled: v.state === 'disabled' } : {}),
      ...(v.officeCode ? { officeCode: v.officeCode } : {}),
    });
  };

  const toggle = (u: AdminUserFragment) => {
    modal.confirm({
      title: u.disabled ? t.enable : t.disable,
      content: u.disabled ? t.enableConfirm : t.disableConfirm,
      okText: u.disabled ? t.enable : t.disable,
      okButtonProps: { danger: !u.disabled },
      cancelText: zhCN.app.cancel,
      onOk: () => run(() => update({ variables: { input: { id: u.id, version: u.version, disabled: !u.disabled } } }), t.saved),
    });
  };

  const columns: ColumnsType<AdminUserFragment> = [
    { title: t.username, dataIndex: 'username', render: (v: string) => <span className="hukou-mono">{v}</span> },
    { title: t.displayName, dataIndex: 'displayName' },
    { title: t.office, key: 'office', render: (_, u) => u.office.name },
    {
      title: t.roles,
      key: 'roles',
      render: (_, u) => (
        <Space size={4} wrap>
          {u.roles.map((r) => (
            <Tag key={r} color="blue">
              {zhCN.roles[r]}
            </Tag>
          ))}
        </Space>
      ),
    },
    { title: t.state, key: 'state', width: 90, render: (_, u) => (u.disabled ? <Tag color="red">{t.disabled}</Tag> : <Tag color="green">{t.active}</Tag>) },
    { title: t.createdAt, dataIndex: 'createdAt', width: 170, render: formatTime },
    {
      title: t.actions,
      key: 'actions',
      width: 230,
      render: (_, u) => (
        <Space size={0}>
          <Button type="link" onClick={() => setDialog({ kind: 'edit', user: u })}>
            {t.edit}
          </Button>
          <Button type="link" onClick={() => setDialog({ kind: 'reset', user: u })}>
            {t.resetPassword}
          </Button>
          <Button type="link" danger={!u.disabled} onClick={() => toggle(u)}>
            {u.disabled ? t.enable : t.disable}
          </Button>
        </Space>
      ),
    },
  ];

  const rows = data?.users.edges.map((e) => e.node) ?? [];
  const pageInfo = data?.users.pageInfo;
  return (
    <div className="hukou-page">
      <Typography.Title level={2}>{t.title}</Typography.Title>
      <Card style={{ marginBottom: 16 }}>
        <Form<FilterForm> name="userFilter" layout="inline" onFinish={onSearch}>
          <Form.Item name="search" label={t.search}>
            <Input allowClear style={{ width: 180 }} />
          </Form.Item>
          <Form.Item name="role" label={t.role}>
            <Select allowClear options={roleOptions} style={{ width: 150 }} placeholder={zhCN.app.selectPlaceholder} />
          </Form.Item>
          <Form.Item name="state" label={t.state}>
            <Select allowClear options={stateOptions} style={{ width: 120 }} placeholder={t.allStates} />
          </Form.Item>
          <Form.Item name="officeCode" label={t.office}>
            <Select allowClear showSearch optionFilterProp="label" options={offices} style={{ width: 260 }} placeholder={zhCN.app.selectPlaceholder} notFoundContent={zhCN.app.empty} />
          </Form.Item>
          <Form.Item>
            <Space>
              <Button type="primary" htmlType="submit">
                {zhCN.admin.audit.search}
              </Button>
              <Button icon={<PlusOutlined />} onClick={() => setDialog({ kind: 'create' })}>
                {t.create}
              </Button>
            </Space>
          </Form.Item>
        </Form>
      </Card>
      <QueryErrorAlert error={error} onRetry={refresh} />
      <Table<AdminUserFragment>
        rowKey="id"
        columns={columns}
        dataSource={rows}
        loading={loading}
        pagination={false}
        locale={{ emptyText: t.empty }}
      />
      <CursorPager cursors={cursors} pageInfo={pageInfo} pageSize={pageSize} />
      {dialog?.kind === 'create' && <UserDialog onClose={() => setDialog(null)} onDone={refresh} />}
      {dialog?.kind === 'edit' && <UserDialog user={dialog.user} onClose={() => setDialog(null)} onDone={refresh} />}
      {dialog?.kind === 'reset' && <ResetPasswordDialog user={dialog.user} onClose={() => setDialog(null)} onDone={refresh} />}
    </div>
  );
}
