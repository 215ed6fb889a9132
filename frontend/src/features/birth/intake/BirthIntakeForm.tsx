import { useEffect } from 'react';
import { App, Button, Card, Col, Form, Input, Row, Space } from 'antd';
import { useMutation } from '@apollo/client/react';
import { useNavigate } from 'react-router';
import {
  StartBirthRegistrationDocument,
  type BirthApplicantInput,
  type CaseDetailFragment,
} from '../../../graphql/generated/graphql';
import { paths } from '../../../app/paths';
import { applyError } from '../../../lib/errors';
import { fieldErrorSetter } from '../../../lib/forms';
import { zhCN } from '../../../locales/zh-CN';
import { useIntakeDraft } from '../../intake/IntakeDraft';
import { applicantFields, BirthApplicantFields } from './BirthApplicantFields';
import { BirthLookupPanel, type BirthLookupResult } from './BirthLookupPanel';

const t = zhCN.birth;

export interface IntakeValues extends BirthApplicantInput {
  certificateNumber: string;
}

const formFields = ['certificateNumber', ...applicantFields] as const;

interface Props {
  initialValues?: Partial<IntakeValues>;
  onCreated: (c: CaseDetailFragment) => void;
  /** The Ministry look-up of the first wizard step: shown read-only beside the form, its certificate fixed. */
  lookup?: { result: BirthLookupResult; settleWith: string };
  /** Back to the look-up step. */
  onBack?: () => void;
}

/** BirthIntakeForm records a new birth registration at the acceptance office (1.1.1). */
export function BirthIntakeForm({ initialValues, onCreated, lookup, onBack }: Props) {
  const [form] = Form.useForm<IntakeValues>();
  useIntakeDraft('birthApplicant', form);
  const { message } = App.useApp();
  const navigate = useNavigate();
  const [start, { loading }] = useMutation(StartBirthRegistrationDocument);
  // The form follows the look-up on the same page: start at its top, not where the look-up's button was.
  useEffect(() => {
    if (lookup) window.scrollTo?.({ top: 0 });
  }, [lookup]);

  const onFinish = async (v: IntakeValues) => {
    try {
      const { data } = await start({
        variables: {
          input: {
            certificateNumber: v.certificateNumber.trim().toUpperCase(),
            applicant: {
              newbornName: v.newbornName.trim(),
              ethnicity: v.ethnicity,
              relation: v.relation,
              settleWith: v.settleWith,
              declarantName: v.declarantName.trim(),
              declarantIdNumber: v.declarantIdNumber.trim().toUpperCase(),
              declarantPhone: (v.declarantPhone ?? '').trim(),
            },
          },
        },
      });
      if (data) {
        message.success(`${t.saved} ${data.startBirthRegistration.collabNo}`);
        onCreated(data.startBirthRegistration);
      }
    } catch (e) {
      applyError(e, {
        notify: (msg) => void message.error(msg),
        setFieldError: fieldErrorSetter(form, formFields),
        toLogin: () => void navigate(paths.login),
      });
    }
  };

  const certificate = (
    <Form.Item
      name="certificateNumber"
      label={t.certificateNumber}
      rules={[{ required: true, whitespace: true, message: t.certificateNumberRequired }]}
      style={{ maxWidth: 360 }}
    >
      <Input className="hukou-mono" maxLength={20} placeholder="M130000001" readOnly={!!lookup} variant={lookup ? 'filled' : undefined} />
    </Form.Item>
  );
  const editable = (
    <>
      {!lookup && (
        <Card title={t.certificateSection} style={{ marginBottom: 16 }}>
          {certificate}
        </Card>
      )}
      <Card title={t.newbornSection} style={{ marginBottom: 16 }}>
        {lookup && certificate}
        <BirthApplicantFields settleFixed={!!lookup} />
      </Card>
      <Space style={{ width: '100%', justifyContent: 'flex-end' }}>
        {onBack && (
          <Button size="large" onClick={onBack}>
            {t.back}
          </Button>
        )}
        <Button type="primary" htmlType="submit" loading={loading} size="large">
          {t.submit}
        </Button>
      </Space>
    </>
  );

  return (
    <Form<IntakeValues> form={form} layout="vertical" initialValues={initialValues} onFinish={(v) => void onFinish(v)} scrollToFirstError>
      {lookup ? (
        <Row gutter={16} wrap={false}>
          <Col flex="auto" style={{ minWidth: 0 }}>
            {editable}
          </Col>
          <Col flex="400px">
            <BirthLookupPanel lookup={lookup.result} compact />
          </Col>
        </Row>
      ) : (
        editable
      )}
    </Form>
  );
}
