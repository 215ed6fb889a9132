import { useState } from 'react';
import { Alert, App, Button, Card, Form, Input, Space, Steps } from 'antd';
import { useLazyQuery } from '@apollo/client/react';
import { useNavigate } from 'react-router';
import { BirthLookupDocument, type CaseDetailFragment } from '../../../graphql/generated/graphql';
import { paths } from '../../../app/paths';
import { applyError } from '../../../lib/errors';
import { fieldErrorSetter } from '../../../lib/forms';
import { zhCN } from '../../../locales/zh-CN';
import { useIntakeDraft } from '../../intake/IntakeDraft';
import { SettleWithField } from './BirthApplicantFields';
import { BirthIntakeForm } from './BirthIntakeForm';
import { BirthLookupPanel, type BirthLookupResult } from './BirthLookupPanel';

const t = zhCN.birth;

interface LookupValues {
  certificateNumber: string;
  settleWith: string;
}

/**
 * BirthIntakeWizard is the birth intake in steps (1.1.1): the Ministry
 * look-ups first (nothing saved), then the applicant form beside the
 * read-only Ministry data; saving opens the case page, where the materials
 * are captured and the case is submitted.
 */
export function BirthIntakeWizard({ onCreated }: { onCreated: (c: CaseDetailFragment) => void }) {
  const [form] = Form.useForm<LookupValues>();
  useIntakeDraft('birthLookup', form);
  const { message } = App.useApp();
  const navigate = useNavigate();
  const [step, setStep] = useState(0);
  const [found, setFound] = useState<{ result: BirthLookupResult; values: LookupValues } | null>(null);
  const [lookup, { loading }] = useLazyQuery(BirthLookupDocument, { fetchPolicy: 'network-only' });

  const onFinish = async (v: LookupValues) => {
    setFound(null);
    const values = { certificateNumber: v.certificateNumber.trim().toUpperCase(), settleWith: v.settleWith };
    const fail = (e: unknown) =>
      applyError(e, {
        notify: (msg) => void message.error(msg),
        setFieldError: fieldErrorSetter(form, ['certificateNumber', 'settleWith']),
        toLogin: () => void navigate(paths.login),
      });
    try {
      const { data, error } = await lookup({ variables: values });
      if (error) fail(error);
      else if (data) setFound({ result: data.birthLookup, values });
    } catch (e) {
      fail(e);
    }
  };

  return (
    <>
      <Steps
        current={step}
        style={{ marginBottom: 24 }}
        items={[
          { title: t.stepLookup, description: t.stepLookupHint },
          { title: t.stepForm, description: t.stepFormHint },
          { title: t.stepCapture, description: t.stepCaptureHint },
        ]}
      />
      {step === 0 && (
        <>
          <Card title={t.stepLookup} style={{ marginBottom: 16 }}>
            <Alert type="info" showIcon message={t.lookupHint} style={{ marginBottom: 16 }} />
            <Form<LookupValues>
              form={form}
              layout="vertical"
              initialValues={found?.values}
              onFinish={(v) => void onFinish(v)}
              onValuesChange={() => setFound(null)}
            >
              <Space align="start" size={24} wrap>
                <Form.Item
                  name="certificateNumber"
                  label={t.certificateNumber}
                  rules={[{ required: true, whitespace: true, message: t.certificateNumberRequired }]}
                  style={{ width: 320 }}
                >
                  <Input className="hukou-mono" maxLength={20} placeholder="M130000001" />
                </Form.Item>
                <SettleWithField />
                <Form.Item label=" ">
                  <Button type="primary" htmlType="submit" loading={loading}>
                    {found ? t.lookupAgain : t.lookup}
                  </Button>
                </Form.Item>
              </Space>
            </Form>
          </Card>
          {found && (
            <>
              <Alert type="success" showIcon message={t.lookupDone} style={{ marginBottom: 16 }} />
              <BirthLookupPanel lookup={found.result} />
              <Space style={{ width: '100%', justifyContent: 'flex-end', marginTop: 16 }}>
                <Button type="primary" size="large" onClick={() => setStep(1)}>
                  {t.next}
                </Button>
              </Space>
            </>
          )}
        </>
      )}
      {step === 1 && found && (
        <BirthIntakeForm
          initialValues={found.values}
          lookup={{ result: found.result, settleWith: found.values.settleWith }}
          onBack={() => setStep(0)}
          onCreated={onCreated}
        />
      )}
    </>
  );
}
