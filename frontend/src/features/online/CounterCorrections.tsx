import { useId } from 'react';
import { useQuery } from '@apollo/client/react';
import { Table, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { CaseOnlineApplicationDocument, type Side } from '../../graphql/generated/graphql';
import { useSessionStore } from '../../app/context';
import { useSession } from '../../app/session';
import { accessFor } from '../../lib/access';
import { zhCN } from '../../locales/zh-CN';

const t = zhCN.online.corrections;

interface Correction {
  field: string;
  portal: string;
  counter: string;
}

/** valueText shows a corrected value as the case page shows it: coded values by name, nothing as 未填写. */
function valueText(field: string, v: string) {
  if (v === '') return <Typography.Text type="secondary">{t.empty}</Typography.Text>;
  if (field === 'pickup') return zhCN.idCard.pickups[v] ?? v;
  if (field === 'phone' || field === 'postCode') return <span className="hukou-mono">{v}</span>;
  return v;
}

const columns: ColumnsType<Correction> = [
  { title: t.field, dataIndex: 'field', width: 110, render: (f: string) => t.fields[f] ?? t.otherField },
  { title: t.portal, dataIndex: 'portal', render: (v: string, c) => valueText(c.field, v) },
  { title: t.counter, dataIndex: 'counter', render: (v: string, c) => valueText(c.field, v) },
];

/**
 * CounterCorrections shows, on the case page of a case opened from an online application, what the clerk corrected
 * with the person at the counter (3.1.4): each field with the portal's value and the counter's, which the case has.
 * Shown to the offices' staff only (the server's rule, OnlineApplication.counterCorrections), on the acceptance
 * office's copy; nothing when the case was not opened online or nothing was corrected.
 */
export function CounterCorrections({ caseId, side }: { caseId: string; side: Side }) {
  const session = useSession(useSessionStore());
  const allowed = accessFor(session?.user.roles ?? []).canReadOnlineApplications && side === 'ACCEPTANCE';
  const { data } = useQuery(CaseOnlineApplicationDocument, { variables: { id: caseId }, skip: !allowed });
  const headingId = useId();
  const app = allowed ? data?.case?.onlineApplication : null;
  if (!app || app.counterCorrections.length === 0) return null;
  return (
    <section aria-labelledby={headingId} data-testid="counter-corrections" style={{ marginTop: 12 }}>
      <Typography.Title level={4} id={headingId} style={{ marginTop: 0 }}>
        {t.title}
      </Typography.Title>
      <Typography.Paragraph type="secondary" style={{ marginBottom: 8 }}>
        {t.hint}
        {t.reference}
        <span className="hukou-mono">{app.reference}</span>
      </Typography.Paragraph>
      <Table<Correction>
        size="small"
        bordered
        rowKey="field"
        pagination={false}
        columns={columns}
        dataSource={app.counterCorrections.map(({ field, portal, counter }) => ({ field, portal, counter }))}
      />
    </section>
  );
}
