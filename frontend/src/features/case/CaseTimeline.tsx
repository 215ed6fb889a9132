import { Tag, Timeline, Typography } from 'antd';
import type { CaseTimelineEntryFragment } from '../../graphql/generated/graphql';
import { formatTime } from '../../lib/format';
import { actionLabel, statusLabel, zhCN } from '../../locales/zh-CN';

/** CaseTimeline shows the case's append-only history, oldest first, with the steps the other office's messages took (1.1.2). */
export function CaseTimeline({
  entries,
  officeName = (code) => code,
}: {
  entries: readonly CaseTimelineEntryFragment[];
  officeName?: (code: string) => string;
}) {
  const sorted = [...entries].sort((a, b) => a.seq - b.seq);
  return (
    <Timeline
      items={sorted.map((e) => ({
        key: e.seq,
        color: e.messageId ? 'blue' : 'green',
        children: (
          <div>
            <Typography.Text strong>{actionLabel(e.action)}</Typography.Text>
            {e.messageId && (
              <Tag color="blue" style={{ marginLeft: 8 }}>
                {zhCN.caseDetail.byMessage}
              </Tag>
            )}
            <div>
              <Typography.Text type="secondary">
                {[formatTime(e.at), zhCN.systemActors[e.actorName] ?? e.actorName, e.office ? officeName(e.office) : '']
                  .filter(Boolean)
                  .join(' · ')}
              </Typography.Text>
            </div>
            {e.from !== e.to && (
              // A step that kept the status (an archive change) shows none.
              <div>
                {e.from ? `${statusLabel(e.from)} → ` : ''}
                {statusLabel(e.to)}
              </div>
            )}
            {e.note && <Typography.Paragraph style={{ marginBottom: 0 }}>{e.note}</Typography.Paragraph>}
          </div>
        ),
      }))}
    />
  );
}
