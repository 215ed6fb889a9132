// The information certificate at the counter (1.1.5): the Ministry's
// household-information verification (7.1.2) issues it at once; when it finds
// nothing, the clerk continues with the assisted flow (a matter certificate)
// with what was entered.
import { App, Button, Card, Form, Input, Typography } from 'antd';
import { useMutation } from '@apollo/client/react';
import { useNavigate } from 'react-router';
import { IssueInformationCertificateDocument, type IssueInformationCertificateInput } from '../../../graphql/generated/graphql';
import { paths } from '../../../app/paths';
import { useIntakeDone, useIntakeDraft } from '../../intake/IntakeDraft';
import { applyError } from '../../../lib/errors';
import { fieldErrorSetter } from '../../../lib/forms';
import { zhCN } from '../../../locales/zh-CN';
import { ReadCardButton } from '../../intake/ReadCardButton';
import { matterInput } from './MatterFields';
import { matterIntakePath } from '../paths';

const t = zhCN.certificate;
const fields = ['idNumber', 'name', 'purpose', 'applicantName'] as const;

/** InfoIntakePage issues a household information certificate or starts the assisted flow. */
export function InfoIntakePage() {
  const [form] = Form.useForm<IssueInformationCertificateInput>();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const done = useIntakeDone();
  useIntakeDraft('info', form);
  const [issue, { loading }] = useMutation(IssueInformationCertificateDocument);
  const onFinish = async (input: IssueInformationCertificateInput) => {
    try {
      const r = await issue({ variables: { input } });
      const out = r.data?.issueInformationCertificate;
      if (out?.case) {
        void message.success(t.issued);
        done(paths.caseDetail(out.case.id)); // issued at once: nothing to capture
      } else if (out?.draft) {
        done(matterIntakePath, { draft: matterInput(out.draft) });
      }
    } catch (e) {
      applyError(e, {
        notify: (msg) => void message.error(msg),
        setFieldError: fieldErrorSetter(form, fields),
        toLogin: () => void navigate(paths.login),
      });
    }
  };
  const required = [{ required: true, whitespace: true, message: t.required }];
  return (
    <div className="hukou-page" style={{ maxWidth: 720 }}>
      <Typography.Title level={2} style={{ marginBottom: 4 }}>
        {t.infoTitle}
      </Typography.Title>
      <Typography.Paragraph type="secondary">{t.infoSubtitle}</Typography.Paragraph>
      <Card>
        <Form form={form} layout="vertical" onFinish={(v) => void onFinish(v)}>
          <Form.Item name="name" label={t.name} rules={required}>
            <Input />
          </Form.Item>
          <Form.Item name="idNumber" label={t.idNumber} rules={required}>
            <Input maxLength={18} />
          </Form.Item>
          <Form.Item name="purpose" label={t.purpose} rules={required}>
            <Input maxLength={200} />
          </Form.Item>
          <div style={{ marginBottom: 8 }}>
            <ReadCardButton fields={{ name: 'applicantName' }} />
          </div>
          <Form.Item name="applicantName" label={t.applicantName} rules={required}>
            <Input />
          </Form.Item>
          <Button type="primary" htmlType="submit" loading={loading}>
            {t.issue}
          </Button>
        </Form>
      </Card>
    </div>
  );
}
