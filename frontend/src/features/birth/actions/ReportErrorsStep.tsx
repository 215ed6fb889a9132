import { Button, Form, Input, Select, Space, Typography, type FormInstance } from 'antd';
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { useMutation } from '@apollo/client/react';
import { ReportBirthErrorsDocument, type BirthErrorItemInput } from '../../../graphql/generated/graphql';
import { zhCN } from '../../../locales/zh-CN';
import { DialogStep, StepModal, type FieldErrorSetter, type StepDialogProps, type StepProps } from '../../case/steps';
import { fieldOptions } from '../formFields';

const t = zhCN.modals;

interface ReportValues {
  items: BirthErrorItemInput[];
}

const emptyItem: BirthErrorItemInput = { field: '', wanted: '', note: '' };

/** itemsFieldSetter puts a server error named items[i].field on the matching row of the error list. */
function itemsFieldSetter(form: FormInstance<ReportValues>): FieldErrorSetter {
  return (field, msg) => {
    const m = /^items\[(\d+)\]\.(\w+)$/.exec(field);
    const key = m?.[2];
    if (!m || (key !== 'field' && key !== 'wanted' && key !== 'note')) return false;
    form.setFields([{ name: ['items', Number(m[1]), key], errors: [msg] }]);
    return true;
  };
}

function ErrorItems() {
  return (
    <Form.List
      name="items"
      rules={[{ validator: (_, items?: unknown[]) => (items?.length ? Promise.resolve() : Promise.reject(new Error(t.reportItemsRequired))) }]}
    >
      {(fields, { add, remove }, { errors }) => (
        <>
          {fields.map((f) => (
            <Space key={f.key} align="start" style={{ display: 'flex' }} data-testid="error-item">
              <Form.Item name={[f.name, 'field']} label={t.reportField} rules={[{ required: true, message: t.reportFieldRequired }]}>
                <Select style={{ width: 160 }} options={fieldOptions} placeholder={zhCN.app.selectPlaceholder} />
              </Form.Item>
              <Form.Item name={[f.name, 'wanted']} label={t.reportWanted} rules={[{ required: true, whitespace: true, message: t.reportWantedRequired }]}>
                <Input style={{ width: 240 }} maxLength={100} />
              </Form.Item>
              <Form.Item name={[f.name, 'note']} label={t.reportNote}>
                <Input style={{ width: 280 }} maxLength={200} />
              </Form.Item>
              <Form.Item label=" ">
                <Button icon={<DeleteOutlined />} onClick={() => remove(f.name)} disabled={fields.length === 1}>
                  {t.reportRemove}
                </Button>
              </Form.Item>
            </Space>
          ))}
          <Button type="dashed" icon={<PlusOutlined />} onClick={() => add({ ...emptyItem })}>
            {t.reportAdd}
          </Button>
          <Form.ErrorList errors={errors} />
        </>
      )}
    </Form.List>
  );
}

function ReportErrorsDialog({ c, action, run, close }: StepDialogProps) {
  const [form] = Form.useForm<ReportValues>();
  const [report, { loading }] = useMutation(ReportBirthErrorsDocument);
  const onFinish = (v: ReportValues) => {
    const items = v.items.map((i) => ({ field: i.field, wanted: i.wanted.trim(), note: i.note?.trim() || null }));
    void run(() => report({ variables: { input: { id: c.id, version: c.version, items } } }), itemsFieldSetter(form));
  };
  return (
    <StepModal action={action} width={900} title={t.reportTitle} loading={loading} onCancel={close} onOk={() => form.submit()}>
      <Typography.Paragraph type="secondary">{t.reportHint}</Typography.Paragraph>
      <Form<ReportValues> form={form} layout="vertical" initialValues={{ items: [{ ...emptyItem }] }} onFinish={onFinish}>
        <ErrorItems />
      </Form>
    </StepModal>
  );
}

/** ReportErrorsStep sends the errors the applicant found on the printed form to the registration office (1.3.2). */
export function ReportErrorsStep(p: StepProps) {
  return <DialogStep {...p} dialog={(d) => <ReportErrorsDialog {...d} />} />;
}
