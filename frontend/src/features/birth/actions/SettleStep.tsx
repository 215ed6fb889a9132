import { DatePicker, Form, Input, Space } from 'antd';
import { useMutation } from '@apollo/client/react';
import dayjs, { type Dayjs } from 'dayjs';
import { SettleBirthRegistrationDocument } from '../../../graphql/generated/graphql';
import { CodeSelect } from '../../../components/CodeSelect';
import { fieldErrorSetter } from '../../../lib/forms';
import { zhCN } from '../../../locales/zh-CN';
import { DialogStep, StepModal, type StepDialogProps, type StepProps } from '../../case/steps';
import { birthOf } from '../details';
import { chineseNameRule } from '../rules';

const t = zhCN.modals;

interface SettleValues {
  householdNumber: string;
  name: string;
  sex: string;
  ethnicity: string;
  birthDate: Dayjs;
  relation: string;
}

const settleFields = ['householdNumber', 'name', 'sex', 'ethnicity', 'birthDate', 'relation'] as const;
const required = [{ required: true, message: t.required }];

function SettleDialog({ c, action, run, close }: StepDialogProps) {
  const d = birthOf(c);
  const [form] = Form.useForm<SettleValues>();
  const [settle, { loading }] = useMutation(SettleBirthRegistrationDocument);
  const initial: SettleValues = {
    householdNumber: d.outcome?.householdNumber || d.householdNumber,
    name: d.applicant.newbornName,
    sex: d.certificate.sex,
    ethnicity: d.applicant.ethnicity,
    birthDate: dayjs(d.certificate.birthTime),
    relation: d.applicant.relation,
  };
  const onFinish = (v: SettleValues) =>
    void run(
      () =>
        settle({
          variables: {
            input: { id: c.id, version: c.version, newborn: { ...v, name: v.name.trim(), birthDate: v.birthDate.format('YYYY-MM-DD') } },
          },
        }),
      fieldErrorSetter(form, settleFields),
    );
  return (
    <StepModal action={action} width={720} title={t.settleTitle} loading={loading} onCancel={close} onOk={() => form.submit()}>
      <Form<SettleValues> form={form} layout="vertical" initialValues={initial} onFinish={onFinish}>
        <Form.Item name="householdNumber" label={t.settleHouseholdNumber} rules={required}>
          <Input className="hukou-mono" />
        </Form.Item>
        <Form.Item name="name" label={t.settleName} validateFirst rules={[{ required: true, whitespace: true, message: t.required }, chineseNameRule]}>
          <Input maxLength={20} />
        </Form.Item>
        <Space size="large" style={{ width: '100%' }} align="start">
          <Form.Item name="sex" label={t.settleSex} rules={required}>
            <CodeSelect kind="SEX" style={{ width: 140 }} />
          </Form.Item>
          <Form.Item name="ethnicity" label={t.settleEthnicity} rules={required}>
            <CodeSelect kind="ETHNICITY" style={{ width: 180 }} />
          </Form.Item>
          <Form.Item name="relation" label={t.settleRelation} rules={required}>
            <CodeSelect kind="RELATION" style={{ width: 180 }} />
          </Form.Item>
        </Space>
        <Form.Item name="birthDate" label={t.settleBirthDate} rules={required}>
          <DatePicker format="YYYY年M月D日" style={{ width: 200 }} disabledDate={(day) => day.isAfter(dayjs(), 'day')} />
        </Form.Item>
      </Form>
    </StepModal>
  );
}

/**
 * SettleStep settles the approved newborn into a household, prefilled from
 * the certificate and the clerk's data and editable, and sends the
 * registration form (2.2.1, 1.3.1).
 */
export function SettleStep(p: StepProps) {
  return <DialogStep {...p} dialog={(d) => <SettleDialog {...d} />} />;
}
