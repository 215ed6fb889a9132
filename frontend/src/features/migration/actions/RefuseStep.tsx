import { Form, Input } from 'antd';
import { useMutation } from '@apollo/client/react';
import { RefuseMigrationDocument } from '../../../graphql/generated/graphql';
import { fieldErrorSetter } from '../../../lib/forms';
import { zhCN } from '../../../locales/zh-CN';
import { DialogStep, StepModal, type StepDialogProps, type StepProps } from '../../case/steps';

const m = zhCN.modals;

function RefuseDialog({ c, action, run, close }: StepDialogProps) {
  const [form] = Form.useForm<{ reasons: string }>();
  const [refuse, { loading }] = useMutation(RefuseMigrationDocument);
  const onFinish = (v: { reasons: string }) => {
    const reasons = v.reasons.split('\n').map((r) => r.trim()).filter(Boolean);
    void run(() => refuse({ variables: { input: { id: c.id, version: c.version, reasons } } }), fieldErrorSetter(form, ['reasons']));
  };
  return (
    <StepModal action={action} title={zhCN.migration.refuseTitle} danger loading={loading} onCancel={close} onOk={() => form.submit()}>
      <Form form={form} layout="vertical" onFinish={onFinish}>
        <Form.Item name="reasons" label={m.refuseReasons} rules={[{ required: true, whitespace: true, message: m.refuseReasonsRequired }]}>
          <Input.TextArea rows={4} placeholder={m.refuseReasonsPlaceholder} />
        </Form.Item>
      </Form>
    </StepModal>
  );
}

/** RefuseStep refuses the move-out with reasons, one per line (2.1.2). */
export function RefuseStep(p: StepProps) {
  return <DialogStep {...p} danger dialog={(d) => <RefuseDialog {...d} />} />;
}
