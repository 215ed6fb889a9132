// The county bureau's review at the registration office (2.1.4).
import { Alert, Form, Input } from 'antd';
import { useMutation } from '@apollo/client/react';
import { ApproveIdCardApplicationDocument, RejectIdCardApplicationDocument } from '../../../graphql/generated/graphql';
import { fieldErrorSetter } from '../../../lib/forms';
import { zhCN } from '../../../locales/zh-CN';
import { DialogStep, StepModal, type StepDialogProps, type StepProps } from '../../case/steps';
import { idCardOf } from '../details';
import { today, validity } from '../rules';

const t = zhCN.idCard;

function ApproveDialog({ c, action, run, close }: StepDialogProps) {
  const d = idCardOf(c);
  const [form] = Form.useForm<{ note: string }>();
  const [approve, { loading }] = useMutation(ApproveIdCardApplicationDocument);
  const v = validity(d.person.birthDate, d.applicant.applicationDate, today());
  const onFinish = ({ note }: { note: string }) =>
    void run(() => approve({ variables: { input: { id: c.id, version: c.version, note: note?.trim() ?? '' } } }), fieldErrorSetter(form, ['note']));
  return (
    <StepModal action={action} title={t.review} loading={loading} onCancel={close} onOk={() => form.submit()}>
      <Alert type="info" showIcon message={t.approveHint} style={{ marginBottom: 12 }}
        description={
          <span data-testid="validity-preview">
            {t.validityPreview(v.age, t.years(v.years))}：{v.validFrom} — {v.longTerm ? t.longTerm : v.validUntil}
          </span>
        } />
      <Form form={form} layout="vertical" onFinish={onFinish}>
        <Form.Item name="note" label={t.approveNote}>
          <Input.TextArea rows={2} maxLength={500} />
        </Form.Item>
      </Form>
    </StepModal>
  );
}

/** ApproveStep approves and signs the issue (2.1.4): the dialog shows the validity the rule gives. */
export function ApproveStep(p: StepProps) {
  return <DialogStep {...p} dialog={(d) => <ApproveDialog {...d} />} />;
}

function RejectDialog({ c, action, run, close }: StepDialogProps) {
  const [form] = Form.useForm<{ reason: string }>();
  const [reject, { loading }] = useMutation(RejectIdCardApplicationDocument);
  const onFinish = ({ reason }: { reason: string }) =>
    void run(() => reject({ variables: { input: { id: c.id, version: c.version, reason: reason.trim(), note: '' } } }), fieldErrorSetter(form, ['reason']));
  return (
    <StepModal action={action} title={t.rejected} danger loading={loading} onCancel={close} onOk={() => form.submit()}>
      <Alert type="warning" showIcon message={t.rejectHint} style={{ marginBottom: 12 }} />
      <Form form={form} layout="vertical" onFinish={onFinish}>
        <Form.Item name="reason" label={t.rejectReason} rules={[{ required: true, whitespace: true, message: t.rejectReasonRequired }]}>
          <Input.TextArea rows={3} maxLength={500} />
        </Form.Item>
      </Form>
    </StepModal>
  );
}

/** RejectStep rejects with a reason, which reaches the acceptance office as quality feedback (2.1.4). */
export function RejectStep(p: StepProps) {
  return <DialogStep {...p} danger dialog={(d) => <RejectDialog {...d} />} />;
}
