import { Alert, Form, Input, Radio, Spin, Table, Tag } from 'antd';
import { useMutation, useQuery } from '@apollo/client/react';
import { ApproveMigrationDocument, MigrationRegisterHouseholdDocument } from '../../../graphql/generated/graphql';
import { CodeSelect } from '../../../components/CodeSelect';
import { fieldErrorSetter } from '../../../lib/forms';
import { zhCN } from '../../../locales/zh-CN';
import { DialogStep, StepModal, type StepDialogProps, type StepProps } from '../../case/steps';
import { migrationOf, moveOutPlan, type HouseholdMember } from '../details';
import { radioGroup } from '../../../components/radioGroup';

const t = zhCN.migration;
const mono = (v: string) => <span className="hukou-mono hukou-nowrap">{v}</span>;

interface Values {
  newHeadIdNumber?: string;
  recodes?: Record<string, string>;
  note?: string;
}

/**
 * ApproveDialog is the move-out screen (2.2.4): the household's members in
 * this register, the leaving ones marked; when the head leaves and others
 * stay, the new head is chosen among them and every other staying member's
 * relation to the new head is re-coded (GB/T 4761).
 */
function ApproveDialog({ c, action, run, close }: StepDialogProps) {
  const d = migrationOf(c);
  const [form] = Form.useForm<Values>();
  const [approve, { loading }] = useMutation(ApproveMigrationDocument);
  const { data, loading: loadingHousehold } = useQuery(MigrationRegisterHouseholdDocument, {
    variables: { idNumber: d.applicant.applicantIdNumber },
    fetchPolicy: 'network-only',
  });
  const members: HouseholdMember[] = (data?.resident?.household.members ?? []).map((m) => ({
    idNumber: m.idNumber,
    name: m.name,
    status: m.status,
    relation: m.relation.code,
  }));
  const relationNames = new Map((data?.resident?.household.members ?? []).map((m) => [m.idNumber, m.relation.name]));
  const plan = moveOutPlan(members, d.applicant.movers);
  const newHead = Form.useWatch('newHeadIdNumber', form);
  const onFinish = (v: Values) => {
    const recodes = plan.headLeaves
      ? plan.staying.filter((m) => m.idNumber !== v.newHeadIdNumber).map((m) => ({ idNumber: m.idNumber, relation: v.recodes?.[m.idNumber] ?? '' }))
      : [];
    void run(
      () =>
        approve({
          variables: {
            input: { id: c.id, version: c.version, newHeadIdNumber: plan.headLeaves ? (v.newHeadIdNumber ?? '') : '', recodes, note: v.note ?? '' },
          },
        }),
      fieldErrorSetter(form, ['newHeadIdNumber', 'note']),
    );
  };
  return (
    <StepModal action={action} title={t.approveTitle} width={880} loading={loading} onCancel={close} onOk={() => form.submit()}>
      <Alert type="info" showIcon message={t.approveHint} style={{ marginBottom: 12 }} />
      {loadingHousehold ? (
        <Spin />
      ) : (
        <Form form={form} layout="vertical" onFinish={onFinish}>
          <Table
            size="small"
            rowKey="idNumber"
            pagination={false}
            dataSource={members.filter((m) => m.status === 'ACTIVE')}
            data-testid="move-out-members"
            columns={[
              { title: t.name, dataIndex: 'name' },
              { title: t.idNumber, dataIndex: 'idNumber', render: (v: string) => mono(v) },
              { title: t.relation, dataIndex: 'idNumber', key: 'relation', render: (v: string) => relationNames.get(v) },
              {
                title: t.movers,
                key: 'moves',
                render: (_: unknown, m: HouseholdMember) =>
                  d.applicant.movers.includes(m.idNumber) ? <Tag color="orange">{t.leaving}</Tag> : <Tag color="green">{t.staying}</Tag>,
              },
              ...(plan.headLeaves && !plan.allLeave
                ? [
                    {
                      title: t.relationToHead,
                      key: 'recode',
                      width: 200,
                      render: (_: unknown, m: HouseholdMember) =>
                        d.applicant.movers.includes(m.idNumber) ? null : m.idNumber === newHead ? (
                          <Tag color="blue">{t.head}</Tag>
                        ) : (
                          <Form.Item name={['recodes', m.idNumber]} noStyle rules={[{ required: true, message: t.recodeRequired }]}>
                            <CodeSelect kind="RELATION" style={{ width: 180 }} aria-label={`${m.name}${t.relationToHead}`} />
                          </Form.Item>
                        ),
                    },
                  ]
                : []),
            ]}
          />
          <Alert
            style={{ margin: '12px 0' }}
            type={plan.headLeaves && !plan.allLeave ? 'warning' : 'success'}
            message={plan.allLeave ? t.allLeave : plan.headLeaves ? t.headLeaves : t.headStays}
          />
          {plan.headLeaves && !plan.allLeave && (
            <Form.Item name="newHeadIdNumber" label={t.newHead} rules={[{ required: true, message: t.newHeadRequired }]}>
              <Radio.Group {...radioGroup(t.newHead)} options={plan.staying.map((m) => ({ value: m.idNumber, label: m.name }))} />
            </Form.Item>
          )}
          <Form.Item name="note" label={t.note}>
            <Input.TextArea rows={2} placeholder={t.notePlaceholder} maxLength={500} />
          </Form.Item>
        </Form>
      )}
    </StepModal>
  );
}

/** ApproveStep approves the move-out: the movers leave the register, the e-migration certificate is requested and the feedback sent (2.1.2, 2.2.4). */
export function ApproveStep(p: StepProps) {
  return <DialogStep {...p} dialog={(d) => <ApproveDialog {...d} />} />;
}
