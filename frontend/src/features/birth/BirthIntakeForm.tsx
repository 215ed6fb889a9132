import { App, Button, Card, Form, Input, Space } from 'antd';
import { useMutation } from '@apollo/client/react';
import { useNavigate } from 'react-router';
import {
  StartBirthRegistrationDocument,
  type BirthApplicantInput,
  type CaseDetailFragment,
} from '../../graphql/generated/graphql';
import { applyError } from '../../lib/errors';
import { fieldErrorSetter } from '../../lib/forms';
import { zhCN } from '../../locales/zh-CN';
import { applicantFields, BirthApplicantFields } from './BirthApplicantFields';

const t = zhCN.birth;

export interface IntakeValues extends BirthApplicantInput {
  certificateNumber: string;
}

const formFields = ['certificateNumber', ...applicantFields] as const;

interface Props {
  initialValues?: Partial<IntakeValues>;
  onCreated: (c: CaseDetailFragment) => void;
}

/** BirthIntakeForm records a new birth registration at the acceptance office (1.1.1). */
export function BirthIntakeForm({ initialValues, onCreated }: Props) {
  const [form] = Form.useForm<IntakeValues>();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const [start, { loading }] = useMutation(StartBirthRegistrationDocument);

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
        toLogin: () => navigate('/login'),
      });
    }
  };

  return (
    <Form<IntakeValues> form={form} layout="vertical" initialValues={initialValues} onFinish={onFinish} scrollToFirstError>
      <Card title={t.certificateSection} style={{ marginBottom: 16 }}>
        <Form.Item
          name="certificateNumber"
          label={t.certificateNumber}
          rules={[{ required: true, whitespace: true, message: t.certificateNumberRequired }]}
          style={{ maxWidth: 360 }}
        >
          <Input className="hukou-mono" maxLength={20} placeholder="M130000001" />
        </Form.Item>
      </Card>
      <Card title={t.newbornSection} style={{ marginBottom: 16 }}>
        <BirthApplicantFields />
      </Card>
      <Space style={{ width: '100%', justifyContent: 'flex-end' }}>
        <Button type="primary" htmlType="submit" loading={loading} size="large">
          {t.submit}
        </Button>
      </Space>
    </Form>
  );
}
