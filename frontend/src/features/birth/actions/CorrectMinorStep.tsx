import { useState } from 'react';
import { Alert, Form, Input, Typography } from 'antd';
import { useMutation } from '@apollo/client/react';
import { CorrectBirthMinorDocument } from '../../../graphql/generated/graphql';
import { CodeSelect } from '../../../components/CodeSelect';
import { isField } from '../../../lib/errors';
import { fieldErrorSetter } from '../../../lib/forms';
import { zhCN } from '../../../locales/zh-CN';
import { DialogStep, StepModal, type StepDialogProps, type StepProps } from '../../case/steps';
import { ErrorReport } from '../BirthCorrections';
import { birthOf } from '../details';
import { isMinorItem, minorItems, type MinorItem } from '../formFields';

const t = zhCN.modals;

type MinorValues = Partial<Record<MinorItem, string>>;

function CorrectMinorDialog({ c, action, run, close }: StepDialogProps) {
  const d = birthOf(c);
  const [form] = Form.useForm<MinorValues>();
  const [formError, setFormError] = useState<string | null>(null);
  const [correct, { loading }] = useMutation(CorrectBirthMinorDocument);
  // Prefilled from what the applicant reported.
  const initial: MinorValues = {};
  for (const it of d.errorReport) if (isMinorItem(it.field)) initial[it.field] = it.wanted;

  const onFinish = (v: MinorValues) => {
    setFormError(null);
    const changes = minorItems.map((f) => ({ field: f, value: (v[f] ?? '').trim() })).filter((ch) => ch.value !== '');
    if (changes.length === 0) {
      setFormError(t.correctNothing);
      return;
    }
    // A refused correction names "changes"; lib/errors narrows it to the item when the reason says which.
    const onItem = fieldErrorSetter(form, minorItems);
    void run(() => correct({ variables: { input: { id: c.id, version: c.version, changes } } }), (field, msg) =>
      isField(field, 'changes') && (onItem(field, msg) || (setFormError(msg), true)),
    );
  };

  return (
    <StepModal action={action} width={640} title={t.correctTitle} loading={loading} onCancel={close} onOk={() => form.submit()}>
      <Typography.Paragraph type="secondary">{t.correctHint}</Typography.Paragraph>
      <ErrorReport items={d.errorReport} />
      <Form<MinorValues> form={form} layout="vertical" initialValues={initial} onFinish={onFinish}>
        <Form.Item name="formerNames" label={t.correctFormerNames}>
          <Input maxLength={50} />
        </Form.Item>
        <Form.Item name="relation" label={t.correctRelation}>
          <CodeSelect kind="RELATION" allowClear style={{ width: 240 }} />
        </Form.Item>
        <Form.Item name="birthplaceDivision" label={t.correctBirthplace} rules={[{ pattern: /^\d{6}$/, message: t.correctBirthplaceFormat }]}>
          <Input className="hukou-mono" maxLength={6} style={{ width: 160 }} />
        </Form.Item>
      </Form>
      {formError && <Alert type="error" showIcon message={formError} data-testid="correction-error" />}
    </StepModal>
  );
}

/** CorrectMinorStep corrects minor items of the newborn's register entry directly, prefilled from the report (1.3.3). */
export function CorrectMinorStep(p: StepProps) {
  return <DialogStep {...p} dialog={(d) => <CorrectMinorDialog {...d} />} />;
}
