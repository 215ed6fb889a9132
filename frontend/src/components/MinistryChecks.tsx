import { Tag, Typography } from 'antd';
import { zhCN } from '../locales/zh-CN';

const t = zhCN.caseDetail;

export interface MinistryCheckItem {
  check: string;
  passed: boolean;
  detail: string;
}

/** MinistryChecks lists the Ministry look-ups made at intake and their results (1.1.1). */
export function MinistryChecks({
  checks,
  testId = 'ministry-checks',
  hideDetail = false,
}: {
  checks: readonly MinistryCheckItem[];
  testId?: string;
  /** Leaves out the value each look-up checked (for a narrow column). */
  hideDetail?: boolean;
}) {
  return (
    <div data-testid={testId} style={{ marginBottom: 12 }}>
      <Typography.Text strong>{t.ministryChecksTitle}</Typography.Text>
      <ul style={{ listStyle: 'none', margin: '4px 0 0', padding: 0 }}>
        {checks.map((k) => (
          <li key={k.check} style={{ marginBottom: 2 }}>
            <Tag color={k.passed ? 'green' : 'red'}>{k.passed ? t.checkPassed : t.checkFailed}</Tag>
            {t.ministryChecks[k.check] ?? k.check}
            {k.detail && !hideDetail && (
              <Typography.Text type="secondary" className="hukou-mono">
                {'  '}
                {k.detail}
              </Typography.Text>
            )}
          </li>
        ))}
      </ul>
    </div>
  );
}
