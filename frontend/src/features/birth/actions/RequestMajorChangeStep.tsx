import { DatePicker, Form, Input, Select } from 'antd';
import { useMutation } from '@apollo/client/react';
import dayjs, { type Dayjs } from 'dayjs';
import { RequestBirthMajorChangeDocument } from '../../../graphql/generated/graphql';
import { CodeSelect } from '../../../components/CodeSelect';
import { zhCN } from '../../../locales/zh-CN';
import { DialogStep, StepModal, type StepDialogProps, type StepProps } from '../../case/steps';
import { ErrorReport } from '../BirthCorrections';
import { birthOf } from '../details';
import { isMajorItem, majorOptions, sexOptions } from '../formFields';

const t = zhCN.modals;
const required = { required: true, message: t.required };

interface MajorValues {
  field?: string;
  value?: string;
  date?: Dayjs;
  reason?: string;
}

/** ValueInput asks for the new value in the form the field takes: a date, a code, an ID number or text. */
function ValueInput({ field }: { field: string | undefined }) {
  if (field === 'birthDate')
    return (
      <Form.Item name="date" label={t.majorValue} rules={[required]}>
        <DatePicker format="YYYY年M月D日" style={{ width: 200 }} disabledDate={(d) => d.isAfter(dayjs(), 'day')} />
      </Form.Item>
    );
  return (
    <Form.Item name="value" label={t.majorValue} rules={[{ ...required, whitespace: true }]}>
      {field === 'sex' ? (
        <Select options={sexOptions} style={{ width: 140 }} placeholder={zhCN.app.selectPlaceholder} />
      ) : field === 'ethnicity' ? (
        <CodeSelect kind="ETHNICITY" style={{ width: 200 }} />
      ) : (
        <Input className={field === 'idNumber' ? 'hukou-mono' : undefined} maxLength={field === 'idNumber' ? 18 : 20} />
      )}
    </Form.Item>
  );
}

/** initialValues prefills the first major item the applicant reported. */
function initialValues(errorReport: ReturnType<typeof birthOf>['errorReport']): MajorValues {
  const it = errorReport.find((e) => isMajorItem(e.field));
  if (!it) return {};
  const reason = it.note ?? '';
  if (it.field === 'birthDate' && dayjs(it.wanted).isValid()) return { field: it.field, date: dayjs(it.wanted), reason };
  return { field: it.field, value: it.wanted, reason };
}

function RequestMajorChangeDialog({ c, action, run, close }: StepDialogProps) {
  const d = birthOf(c);
  const [form] = Form.useForm<MajorValues>();
  const [request, { loading }] = useMutation(RequestBirthMajorChangeDocument);
  const onFinish = (v: MajorValues) => {
    const f = v.field ?? '';
    const value = f === 'birthDate' ? (v.date?.format('YYYY-MM-DD') ?? '') : (v.value ?? '').trim();
    void run(
      () => request({ variables: { input: { id: c.id, version: c.version, change: { field: f, value, reason: (v.reason ?? '').trim() } } } }),
      (errField, msg) => {
        const name = errField === 'value' && f === 'birthDate' ? 'date' : errField;
        if (!['field', 'value', 'date', 'reason'].includes(name)) return false;
        form.setFields([{ name: name as keyof MajorValues, errors: [msg] }]);
        return true;
      },
    );
  };
  return (
    <StepModal action={action} width={640} title={t.majorTitle} loading={loading} onCancel={close} onOk={() => form.submit()}>
      <ErrorReport items={d.errorReport} />
      <Form<MajorValues> form={form} layout="vertical" initialValues={initialValues(d.errorReport)} onFinish={onFinish}>
        <Form.Item name="field" label={t.majorField} rules={[required]}>
          <Select options={majorOptions} style={{ width: 200 }} placeholder={zhCN.app.selectPlaceholder} />
        </Form.Item>
        <Form.Item noStyle shouldUpdate={(a: MajorValues, b: MajorValues) => a.field !== b.field}>
          {({ getFieldValue }) => <ValueInput field={getFieldValue('field') as string | undefined} />}
        </Form.Item>
        <Form.Item name="reason" label={t.majorReason} rules={[{ required: true, whitespace: true, message: t.majorReasonRequired }]}>
          <Input.TextArea rows={3} maxLength={500} />
        </Form.Item>
      </Form>
    </StepModal>
  );
}

/**
 * RequestMajorChangeStep asks an approver to change a major item (name, ID
 * number, birth date, ethnicity, sex), prefilled from the report (2.2.2).
 */
export function RequestMajorChangeStep(p: StepProps) {
  return <DialogStep {...p} dialog={(d) => <RequestMajorChangeDialog {...d} />} />;
}
