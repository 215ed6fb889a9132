import { Form, Input } from 'antd';
import { useMutation } from '@apollo/client/react';
import { RefuseBirthRegistrationDocument } from '../../../graphql/generated/graphql';
import { fieldErrorSetter } from '../../../lib/forms';
import { zhCN } from '../../../locales/zh-CN';
import { DialogStep, StepModal, type StepDialogProps, type StepProps } from '../../case/steps';

const t = zhCN.modals;

function RefuseDialog({ c, action, run, close }: StepDialogProps) {
  const [form] = Form.useForm<{ reasons: string }>();
  const [refuse, { loading }] = useMutation(RefuseBirthRegistrationDocument);
  const onFinish = (v: { reasons: string }) => {
    const reasons = v.reasons.split('\n').map((r) => r.trim()).filter(Boolean);
    void run(() => refuse({ variables: { input: { id: c.id, version: c.version, reasons } } }), fieldErrorSetter(form, ['reasons']));
  };
  return (
    <StepModal action={action} title={t.refuseTitle} danger loading={loading} onCancel={close} onOk={() => form.submit()}>
      <Form form={form} layout="vertical" onFinish={onFinish}>
        <Form.Item name="reasons" label={t.refuseReasons} rules={[{ required: true, whitespace: true, message: t.refuseReasonsRequired }]}>
          <Input.TextArea rows={4} placeholder={t.refuseReasonsPlaceholder} />
        </Form.Item>
      </Form>
    </StepModal>
  );
}

/** RefuseStep refuses the application with reasons, one per line, printed on the refusal notice (2.1.1). */
export function RefuseStep(p: StepProps) {
  return <DialogStep {...p} danger dialog={(d) => <RefuseDialog {...d} />} />;
}
