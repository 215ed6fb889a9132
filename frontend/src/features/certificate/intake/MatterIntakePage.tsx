// The acceptance office's matter certificate intake (1.1.6): saving opens the
// case to capture the materials (1.4.3). It also continues the assisted flow of
// an information certificate the Ministry could not answer (1.1.5), with what
// was entered there (router state).
import { App, Alert, Button, Card, Form, Typography } from 'antd';
import { useMutation } from '@apollo/client/react';
import { useLocation, useNavigate } from 'react-router';
import { StartMatterCertificateDocument, type CertificateMatterInput } from '../../../graphql/generated/graphql';
import { paths } from '../../../app/paths';
import { useIntakeDone, useIntakeDraft } from '../../intake/IntakeDraft';
import { applyError } from '../../../lib/errors';
import { fieldErrorSetter } from '../../../lib/forms';
import { zhCN } from '../../../locales/zh-CN';
import { MatterFields, matterFields, toMatterInput, useMatterTypes } from './MatterFields';

const t = zhCN.certificate;

/** MatterIntakePage records a matter certificate application. */
export function MatterIntakePage() {
  const [form] = Form.useForm<CertificateMatterInput>();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const done = useIntakeDone();
  useIntakeDraft('matter', form);
  const location = useLocation();
  const types = useMatterTypes();
  const draft = (location.state as { draft?: Partial<CertificateMatterInput> } | null)?.draft;
  const [start, { loading }] = useMutation(StartMatterCertificateDocument);
  const onFinish = async (v: CertificateMatterInput) => {
    const needs = types.find((m) => m.code === v.matterType)?.needs ?? [];
    try {
      const r = await start({ variables: { input: { matter: toMatterInput(v, needs) } } });
      const id = r.data?.startMatterCertificate.id;
      if (id) done(paths.caseMaterials(id)); // the draft goes; capture comes next (1.4.11)
    } catch (e) {
      applyError(e, {
        notify: (msg) => void message.error(msg),
        setFieldError: fieldErrorSetter(form, matterFields),
        refresh: () => undefined,
        toLogin: () => void navigate(paths.login),
      });
    }
  };
  return (
    <div className="hukou-page" style={{ maxWidth: 900 }}>
      <Typography.Title level={2} style={{ marginBottom: 4 }}>
        {t.matterTitle}
      </Typography.Title>
      <Typography.Paragraph type="secondary">{t.matterSubtitle}</Typography.Paragraph>
      {draft && <Alert type="info" showIcon style={{ marginBottom: 12 }} message={t.notFound} />}
      <Card>
        <Form form={form} layout="vertical" onFinish={(v) => void onFinish(v)}
          initialValues={{ persons: [{ idNumber: '', name: '' }], ...draft }}>
          <MatterFields />
          <Button type="primary" htmlType="submit" loading={loading}>
            {t.save}
          </Button>
        </Form>
      </Card>
    </div>
  );
}
