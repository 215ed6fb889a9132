import { Alert, Spin, Typography } from 'antd';
import { useQuery } from '@apollo/client/react';
import { useSearchParams } from 'react-router';
import { OnlineIdCardApplicationDocument, type IdCardApplicationKind } from '../../../graphql/generated/graphql';
import { useIntakeDone } from '../../intake/IntakeDraft';
import { paths } from '../../../app/paths';
import { zhCN } from '../../../locales/zh-CN';
import { IdCardIntakeWizard, type OnlineIdCard } from './IdCardIntakeWizard';

/** onlineIdCardOf reads a portal's online ID card application (3.1.4) for the wizard; null when its data is unreadable. */
export function onlineIdCardOf(a: { id: string; version: number; data: string }): OnlineIdCard | null {
  try {
    const d = JSON.parse(a.data) as OnlineIdCard['applicant'] & { applicationKind: IdCardApplicationKind };
    if (!d.idNumber || !d.applicationKind) return null;
    return { id: a.id, version: a.version, applicant: d };
  } catch {
    return null;
  }
}

/**
 * IdCardIntakePage is the acceptance office's off-site ID card intake (1.1.8, 1.1.9; saving opens the case to capture
 * the materials, 1.4.5). With ?online=<id> it completes a portal's online application (3.1.4): the portal's data
 * prefills it and the clerk takes the photo and the fingers.
 */
export function IdCardIntakePage() {
  const done = useIntakeDone(); // the draft goes; capture comes next (1.4.11)
  const [params] = useSearchParams();
  const onlineID = params.get('online');
  const q = useQuery(OnlineIdCardApplicationDocument, { variables: { id: onlineID ?? '' }, skip: !onlineID, fetchPolicy: 'network-only' });
  const online = q.data ? onlineIdCardOf(q.data.onlineApplication) : null;
  return (
    <div className="hukou-page" style={{ maxWidth: 1240 }}>
      <Typography.Title level={2} style={{ marginBottom: 4 }}>
        {zhCN.idCard.title}
      </Typography.Title>
      <Typography.Paragraph type="secondary">{onlineID ? zhCN.portal.onlineIdCard : zhCN.idCard.subtitle}</Typography.Paragraph>
      {onlineID && q.loading && <Spin />}
      {onlineID && q.error && <Alert type="error" showIcon message={zhCN.errors.notFound} />}
      {(!onlineID || online) && (
        <IdCardIntakeWizard key={online?.id ?? 'counter'} online={online ?? undefined} onCreated={(c) => done(paths.caseMaterials(c.id))} />
      )}
    </div>
  );
}
