import { Form, Input } from 'antd';
import { useMutation } from '@apollo/client/react';
import { ApproveBirthRegistrationDocument } from '../../../graphql/generated/graphql';
import { zhCN } from '../../../locales/zh-CN';
import { DialogStep, StepModal, stepInput, type StepDialogProps, type StepProps } from '../../case/steps';

const t = zhCN.modals;

function ApproveDialog({ c, action, run, close }: StepDialogProps) {
  const [form] = Form.useForm<{ note?: string }>();
  const [approve, { loading }] = useMutation(ApproveBirthRegistrationDocument);
  return (
    <StepModal action={action} title={t.approveTitle} loading={loading} onCancel={close} onOk={() => form.submit()}>
      <Form form={form} layout="vertical" onFinish={(v) => void run(() => approve({ variables: { input: stepInput(c, v.note ?? '') } }))}>
        <Form.Item name="note" label={t.approveNote}>
          <Input.TextArea rows={3} placeholder={t.approveNotePlaceholder} maxLength={500} />
        </Form.Item>
      </Form>
    </StepModal>
  );
}

/** ApproveStep approves the application at the registration office, with an optional note (2.1.1). */
export function ApproveStep(p: StepProps) {
  return <DialogStep {...p} dialog={(d) => <ApproveDialog {...d} />} />;
}
