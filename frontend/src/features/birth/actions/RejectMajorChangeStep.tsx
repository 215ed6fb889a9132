import { Form, Input } from 'antd';
import { useMutation } from '@apollo/client/react';
import { RejectBirthMajorChangeDocument } from '../../../graphql/generated/graphql';
import { fieldErrorSetter } from '../../../lib/forms';
import { zhCN } from '../../../locales/zh-CN';
import { DialogStep, StepModal, type StepDialogProps, type StepProps } from '../../case/steps';
import { PendingChange } from '../BirthCorrections';
import { birthOf } from '../details';

const t = zhCN.modals;

function RejectMajorChangeDialog({ c, action, run, close }: StepDialogProps) {
  const pending = birthOf(c).pendingChange;
  const [form] = Form.useForm<{ reason: string }>();
  const [reject, { loading }] = useMutation(RejectBirthMajorChangeDocument);
  const onFinish = (v: { reason: string }) =>
    void run(() => reject({ variables: { input: { id: c.id, version: c.version, reason: v.reason.trim() } } }), fieldErrorSetter(form, ['reason']));
  return (
    <StepModal action={action} title={t.rejectMajorTitle} danger loading={loading} onCancel={close} onOk={() => form.submit()}>
      {pending && <PendingChange change={pending} />}
      <Form form={form} layout="vertical" style={{ marginTop: 12 }} onFinish={onFinish}>
        <Form.Item name="reason" label={t.rejectReason} rules={[{ required: true, whitespace: true, message: t.rejectReasonRequired }]}>
          <Input.TextArea rows={3} maxLength={500} />
        </Form.Item>
      </Form>
    </StepModal>
  );
}

/** RejectMajorChangeStep rejects the pending major-item change with a reason (2.2.2). */
export function RejectMajorChangeStep(p: StepProps) {
  return <DialogStep {...p} danger dialog={(d) => <RejectMajorChangeDialog {...d} />} />;
}
