// The acceptance office views and saves what comes back (1.1.12, 1.1.13):
// the review's rejection and the production centre's quality feedback or
// completion; each saved record goes to the registration office on the
// forwarding schedule.
import type { ReactNode } from 'react';
import { Alert, Descriptions, Form, Input } from 'antd';
import { useMutation } from '@apollo/client/react';
import {
  SaveIdCardProductionFeedbackDocument,
  SaveIdCardQualityFeedbackDocument,
  SaveIdCardReviewFeedbackDocument,
} from '../../../graphql/generated/graphql';
import { formatTime } from '../../../lib/format';
import { zhCN } from '../../../locales/zh-CN';
import { DialogStep, StepModal, type StepDialogProps, type StepProps } from '../../case/steps';
import { idCardOf, lastFeedback } from '../details';

const t = zhCN.idCard;

function SaveDialog({ action, close, title, hint, loading, body, onSave }: Pick<StepDialogProps, 'action' | 'close'> & {
  title: string;
  hint: string;
  loading: boolean;
  body: ReactNode;
  onSave: (note: string) => void;
}) {
  const [form] = Form.useForm<{ note: string }>();
  return (
    <StepModal action={action} title={title} width={640} loading={loading} onCancel={close} onOk={() => form.submit()}>
      {body}
      <Alert type="info" showIcon message={hint} style={{ margin: '12px 0' }} />
      <Form form={form} layout="vertical" onFinish={({ note }: { note?: string }) => onSave(note?.trim() ?? '')}>
        <Form.Item name="note" label={t.saveNote}>
          <Input.TextArea rows={2} maxLength={500} />
        </Form.Item>
      </Form>
    </StepModal>
  );
}

function FeedbackBody({ c }: { c: StepDialogProps['c'] }) {
  const fb = lastFeedback(idCardOf(c));
  if (!fb) return null;
  return (
    <Descriptions size="small" column={1} bordered data-testid="feedback-body">
      <Descriptions.Item label={t.feedbackClass}>{t.feedbackClasses[fb.class] ?? fb.class}</Descriptions.Item>
      <Descriptions.Item label={t.feedbackDescription}>{fb.description}</Descriptions.Item>
      <Descriptions.Item label={t.receivedAt}>{formatTime(fb.receivedAt)}</Descriptions.Item>
    </Descriptions>
  );
}

/** SaveReviewFeedbackStep saves the rejection as quality feedback and closes (1.1.12). */
export function SaveReviewFeedbackStep(p: StepProps) {
  const [save, { loading }] = useMutation(SaveIdCardReviewFeedbackDocument);
  return (
    <DialogStep {...p} dialog={(d) => (
      <SaveDialog {...d} title={t.saveReviewTitle} hint={t.saveReviewHint} loading={loading} body={<FeedbackBody c={d.c} />}
        onSave={(note) => void d.run(() => save({ variables: { input: { id: d.c.id, version: d.c.version, note } } }))} />
    )} />
  );
}

/** SaveQualityFeedbackStep saves the production centre's quality feedback (1.1.12). */
export function SaveQualityFeedbackStep(p: StepProps) {
  const [save, { loading }] = useMutation(SaveIdCardQualityFeedbackDocument);
  return (
    <DialogStep {...p} dialog={(d) => (
      <SaveDialog {...d} title={t.saveFeedbackTitle} hint={t.saveFeedbackHint} loading={loading} body={<FeedbackBody c={d.c} />}
        onSave={(note) => void d.run(() => save({ variables: { input: { id: d.c.id, version: d.c.version, note } } }))} />
    )} />
  );
}

function ProductionBody({ c }: { c: StepDialogProps['c'] }) {
  const pr = idCardOf(c).outcome?.production;
  if (!pr) return null;
  return (
    <Descriptions size="small" column={1} bordered data-testid="production-body">
      <Descriptions.Item label={t.cardNumber}>
        <span className="hukou-mono">{pr.cardNumber}</span>
      </Descriptions.Item>
      <Descriptions.Item label={t.producedAt}>{formatTime(pr.producedAt)}</Descriptions.Item>
    </Descriptions>
  );
}

/** SaveProductionFeedbackStep saves the production feedback; the card waits for its holder (1.1.13). */
export function SaveProductionFeedbackStep(p: StepProps) {
  const [save, { loading }] = useMutation(SaveIdCardProductionFeedbackDocument);
  return (
    <DialogStep {...p} dialog={(d) => (
      <SaveDialog {...d} title={t.saveProductionTitle} hint={t.saveProductionHint} loading={loading} body={<ProductionBody c={d.c} />}
        onSave={(note) => void d.run(() => save({ variables: { input: { id: d.c.id, version: d.c.version, note } } }))} />
    )} />
  );
}
