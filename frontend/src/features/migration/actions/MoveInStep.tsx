import { useState } from 'react';
import { Alert, Button, Form, Radio, Table, Tag, Typography } from 'antd';
import { CloudDownloadOutlined } from '@ant-design/icons';
import { useMutation, useQuery } from '@apollo/client/react';
import { MigrationJoinedHouseholdDocument, MoveInMigrationDocument, type MigrationDetailsFragment } from '../../../graphql/generated/graphql';
import { CodeSelect } from '../../../components/CodeSelect';
import { useCodeNames } from '../../../components/useCodeNames';
import { fieldErrorSetter } from '../../../lib/forms';
import { zhCN } from '../../../locales/zh-CN';
import { DialogStep, StepModal, type StepDialogProps, type StepProps } from '../../case/steps';
import { migrationOf } from '../details';
import { radioGroup } from '../../../components/radioGroup';

const t = zhCN.migration;
const mono = (v: string) => <span className="hukou-mono hukou-nowrap">{v}</span>;

type Mover = NonNullable<MigrationDetailsFragment['outcome']>['movers'][number];

interface Values {
  head?: string;
  relations?: Record<string, string>;
}

/** JoinedHousehold lists the members of the household the movers join (2.2.5). */
function JoinedHousehold({ number }: { number: string }) {
  const { data } = useQuery(MigrationJoinedHouseholdDocument, { variables: { number }, fetchPolicy: 'network-only' });
  const members = (data?.household?.members ?? []).filter((m) => m.status === 'ACTIVE');
  return (
    <Table
      size="small"
      rowKey="idNumber"
      pagination={false}
      title={() => t.joinedMembers}
      dataSource={members}
      data-testid="joined-members"
      columns={[
        { title: t.name, dataIndex: 'name' },
        { title: t.idNumber, dataIndex: 'idNumber', render: (v: string) => mono(v) },
        { title: t.relation, key: 'relation', render: (_: unknown, m: (typeof members)[number]) => m.relation.name },
      ]}
    />
  );
}

/**
 * MoveInDialog is the move-in screen for both ways (2.2.5, 2.2.6): "fetch
 * cross-province data" fills the arriving members from the move-out
 * feedback; the clerk gives each a relation to the head (joining) or picks
 * the head of the new household (establishing), then saves.
 */
function MoveInDialog({ c, action, run, close }: StepDialogProps) {
  const d = migrationOf(c);
  const names = useCodeNames();
  const [form] = Form.useForm<Values>();
  const [arriving, setArriving] = useState<Mover[]>([]);
  const [moveIn, { loading }] = useMutation(MoveInMigrationDocument);
  const establish = d.applicant.way === 'ESTABLISH';
  const head = Form.useWatch('head', form);
  const onFinish = (v: Values) => {
    const members = arriving.map((m) => ({ idNumber: m.idNumber, relation: establish && m.idNumber === v.head ? '02' : (v.relations?.[m.idNumber] ?? '') }));
    void run(() => moveIn({ variables: { input: { id: c.id, version: c.version, members } } }), fieldErrorSetter(form, []));
  };
  return (
    <StepModal action={action} title={t.moveInTitle} width={880} loading={loading} onCancel={close} onOk={() => form.submit()}>
      <Alert
        type="info"
        showIcon
        style={{ marginBottom: 12 }}
        message={establish ? t.moveInEstablish(d.destAddress) : t.moveInJoin(d.applicant.householdNumber ?? '')}
        description={t.moveInHint}
      />
      {!establish && d.applicant.householdNumber && <JoinedHousehold number={d.applicant.householdNumber} />}
      <Form form={form} layout="vertical" onFinish={onFinish} style={{ marginTop: 12 }}>
        <Typography.Text strong>{t.arriving}</Typography.Text>{' '}
        <Button icon={<CloudDownloadOutlined />} onClick={() => setArriving([...(d.outcome?.movers ?? [])])} data-testid="fetch-cross-province">
          {t.fetchCrossProvince}
        </Button>
        {arriving.length > 0 && (
          <Table
            style={{ marginTop: 8 }}
            size="small"
            rowKey="idNumber"
            pagination={false}
            dataSource={arriving}
            data-testid="arriving-members"
            columns={[
              { title: t.name, dataIndex: 'name' },
              { title: t.idNumber, dataIndex: 'idNumber', render: (v: string) => mono(v) },
              { title: t.sex, dataIndex: 'sex', render: (v: string) => zhCN.sex[v] ?? v },
              { title: `${t.household}${t.relation}`, dataIndex: 'relation', render: (v: string) => names.relation(v) },
              {
                title: t.relationToHead,
                key: 'relation',
                width: 200,
                render: (_: unknown, m: Mover) =>
                  establish && head === m.idNumber ? (
                    <Tag color="blue">{t.head}</Tag>
                  ) : (
                    <Form.Item name={['relations', m.idNumber]} noStyle rules={[{ required: true, message: t.recodeRequired }]}>
                      <CodeSelect kind="RELATION" style={{ width: 180 }} />
                    </Form.Item>
                  ),
              },
            ]}
          />
        )}
        {establish && arriving.length > 0 && (
          <Form.Item name="head" label={t.headChoice} style={{ marginTop: 12 }} rules={[{ required: true, message: t.newHeadRequired }]}>
            <Radio.Group {...radioGroup(t.headChoice)} options={arriving.map((m) => ({ value: m.idNumber, label: m.name }))} />
          </Form.Item>
        )}
      </Form>
    </StepModal>
  );
}

/** MoveInStep settles the movers into this office's register, joining or establishing a household (1.3.8, 2.2.5, 2.2.6). */
export function MoveInStep(p: StepProps) {
  return <DialogStep {...p} dialog={(d) => <MoveInDialog {...d} />} />;
}
