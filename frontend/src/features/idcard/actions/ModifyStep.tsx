import { useState } from 'react';
import { Alert, Form, Input } from 'antd';
import { useMutation, useQuery } from '@apollo/client/react';
import { CorrectIdCardApplicationDocument, IdCardSettingsDocument, ModifyIdCardApplicationDocument } from '../../../graphql/generated/graphql';
import { fieldErrorSetter } from '../../../lib/forms';
import { zhCN } from '../../../locales/zh-CN';
import { DialogStep, StepModal, type StepDialogProps, type StepProps } from '../../case/steps';
import { keepAll, Recapture, recaptureInput, recaptureProblem, type RecaptureState } from '../capture/Recapture';
import { idCardOf, lastFeedback } from '../details';
import { ContactFields, contactFields, contactInput, type ContactValues } from '../intake/ContactFields';

const t = zhCN.idCard;

type Values = ContactValues & { reasonNote: string };

/** ChangeDialog is the modification before submission (1.2.4) and the correction after quality feedback (1.1.12). */
function ChangeDialog({ c, action, run, close, correct }: StepDialogProps & { correct: boolean }) {
  const d = idCardOf(c);
  const a = d.applicant;
  const [form] = Form.useForm<Values>();
  const [captures, setCaptures] = useState<RecaptureState>(keepAll);
  const [problem, setProblem] = useState('');
  const settings = useQuery(IdCardSettingsDocument).data?.idCardSettings;
  const [modify, { loading: modifying }] = useMutation(ModifyIdCardApplicationDocument);
  const [correction, { loading: correcting }] = useMutation(CorrectIdCardApplicationDocument);
  const fb = lastFeedback(d);
  const initial: Values = {
    phone: a.phone ?? '',
    pickup: a.pickup === 'POST' ? 'POST' : 'IN_PERSON',
    postAddress: a.postAddress ?? '',
    postRecipient: a.postRecipient ?? '',
    postCode: a.postCode ?? '',
    reasonNote: a.reasonNote ?? '',
  };
  const onFinish = (v: Values) => {
    const p = settings ? recaptureProblem(captures, settings.minQuality) : null;
    setProblem(p ?? '');
    if (p) return;
    const caps = recaptureInput(captures);
    const setter = fieldErrorSetter(form, [...contactFields, 'reasonNote']);
    if (correct) {
      void run(() => correction({ variables: { input: { id: c.id, version: c.version, ...contactInput(v), ...caps } } }), setter);
    } else {
      const applicant = { idNumber: a.idNumber, applicationKind: a.applicationKind, reason: a.reason ?? '', reasonNote: v.reasonNote.trim(), ...contactInput(v) };
      void run(() => modify({ variables: { input: { id: c.id, version: c.version, applicant, ...caps } } }), setter);
    }
  };
  return (
    <StepModal action={action} title={correct ? t.correctTitle : t.modifyTitle} width={880} loading={modifying || correcting}
      onCancel={close} onOk={() => form.submit()}>
      {correct && (
        <Alert type="warning" showIcon style={{ marginBottom: 12 }} message={t.correctHint}
          description={fb ? `${t.feedbackClasses[fb.class] ?? fb.class}：${fb.description}` : undefined} />
      )}
      <Form form={form} layout="vertical" initialValues={initial} onFinish={onFinish}>
        {!correct && (
          <Form.Item name="reasonNote" label={t.reasonNote}>
            <Input.TextArea rows={2} maxLength={200} />
          </Form.Item>
        )}
        <ContactFields />
      </Form>
      {settings && <Recapture settings={settings} subject={a.idNumber} value={captures} onChange={setCaptures} />}
      {problem && <Alert type="error" showIcon message={problem} style={{ marginTop: 8 }} />}
    </StepModal>
  );
}

/** ModifyStep changes the clerk's data, the photo or the fingers before submission (1.2.4); the person is fixed. */
export function ModifyStep(p: StepProps) {
  return <DialogStep {...p} dialog={(d) => <ChangeDialog {...d} correct={false} />} />;
}

/** CorrectStep corrects the application after quality feedback, before it is packaged again (1.1.12). */
export function CorrectStep(p: StepProps) {
  return <DialogStep {...p} dialog={(d) => <ChangeDialog {...d} correct />} />;
}
