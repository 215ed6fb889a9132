// The public certificate verification page (no login): a bank, school or any
// holder enters the number and verification code printed on a certificate and
// learns whether it is valid, revoked or unknown, and only what the
// certificate itself shows.
import { useState } from 'react';
import { Alert, Button, Card, Descriptions, Form, Input, Typography } from 'antd';
import { useLazyQuery } from '@apollo/client/react';
import { VerifyCertificateDocument, type VerifyCertificateQuery } from '../../graphql/generated/graphql';
import { classifyError, firstServerError } from '../../lib/errors';
import { formatTime } from '../../lib/format';
import { usePageTitle } from '../../app/pageTitle';
import { zhCN } from '../../locales/zh-CN';

const t = zhCN.certificate;

type Check = VerifyCertificateQuery['verifyCertificate'];

function Answer({ check }: { check: Check }) {
  if (check.status === 'UNKNOWN') return <Alert type="warning" showIcon message={t.verifyUnknown} data-testid="verify-answer" />;
  return (
    <div data-testid="verify-answer">
      <Alert type={check.status === 'VALID' ? 'success' : 'error'} showIcon message={check.status === 'VALID' ? t.verifyValid : t.verifyRevoked} />
      <Descriptions size="small" column={1} bordered style={{ marginTop: 12 }}>
        <Descriptions.Item label={t.verifyNumber}>{check.number}</Descriptions.Item>
        <Descriptions.Item label={t.verifyTitle}>{check.title}</Descriptions.Item>
        <Descriptions.Item label={t.verifyHolder}>{check.holderName}</Descriptions.Item>
        <Descriptions.Item label={t.issuingOffice}>{check.officeName}</Descriptions.Item>
        <Descriptions.Item label={t.issuedAt}>{formatTime(check.issuedAt)}</Descriptions.Item>
        {check.revokedAt ? <Descriptions.Item label={t.verifyRevokedAt}>{formatTime(check.revokedAt)}</Descriptions.Item> : null}
      </Descriptions>
    </div>
  );
}

/** VerifyCertificatePage checks a certificate number and verification code. */
export function VerifyCertificatePage() {
  usePageTitle(t.verifyPageTitle);
  const [verify, { loading }] = useLazyQuery(VerifyCertificateDocument, { fetchPolicy: 'network-only' });
  const [check, setCheck] = useState<Check | null>(null);
  const [error, setError] = useState<string | null>(null);
  const onFinish = async (v: { number: string; code: string }) => {
    setError(null);
    setCheck(null);
    try {
      const r = await verify({ variables: { number: v.number.trim(), code: v.code.trim() } });
      if (r.error) {
        setError(firstServerError(r.error)?.code === 'TOO_MANY_REQUESTS' ? t.verifyTooMany : classifyError(r.error).message);
      } else if (r.data) {
        setCheck(r.data.verifyCertificate);
      }
    } catch (e) {
      setError(firstServerError(e)?.code === 'TOO_MANY_REQUESTS' ? t.verifyTooMany : classifyError(e).message);
    }
  };
  const required = [{ required: true, whitespace: true, message: t.required }];
  return (
    // A page of its own, without the signed-in frame: its own main landmark and level-one heading (axe region,
    // landmark-one-main, page-has-heading-one).
    <main className="hukou-page" style={{ maxWidth: 640, margin: '40px auto' }}>
      <Typography.Title level={1} style={{ marginBottom: 4, fontSize: 24 }}>
        {t.verifyPageTitle}
      </Typography.Title>
      <Typography.Paragraph type="secondary">{t.verifyPageSubtitle}</Typography.Paragraph>
      <Card>
        <Form layout="vertical" onFinish={(v: { number: string; code: string }) => void onFinish(v)}>
          <Form.Item name="number" label={t.verifyNumber} rules={required}>
            <Input maxLength={32} />
          </Form.Item>
          <Form.Item name="code" label={t.verifyCode} rules={required}>
            <Input maxLength={16} />
          </Form.Item>
          <Button type="primary" htmlType="submit" loading={loading}>
            {t.verifySubmit}
          </Button>
        </Form>
        <div style={{ marginTop: 16 }}>
          {error && <Alert type="error" showIcon message={error} />}
          {check && <Answer check={check} />}
        </div>
      </Card>
    </main>
  );
}
