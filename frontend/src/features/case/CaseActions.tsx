import { Space, Typography } from 'antd';
import type { CaseDetailFragment } from '../../graphql/generated/graphql';
import { zhCN } from '../../locales/zh-CN';
import type { KindParts } from '../kinds';

interface Props {
  c: CaseDetailFragment;
  /** The case's kind, whose step components render the buttons. */
  kind: Pick<KindParts, 'steps' | 'mainStep'>;
  /** Reloads the case (after a conflict). */
  onRefresh: () => void;
}

/** CaseActions renders one step per entry of availableActions, in the server's order, and nothing else. */
export function CaseActions({ c, kind, onRefresh }: Props) {
  if (c.availableActions.length === 0) {
    return <Typography.Text type="secondary">{zhCN.caseDetail.noActions}</Typography.Text>;
  }
  const main = kind.mainStep(c);
  return (
    <Space wrap data-testid="case-actions">
      {c.availableActions.map((a) => {
        const Step = kind.steps[a];
        return Step ? <Step key={a} c={c} action={a} main={a === main} onRefresh={onRefresh} /> : null;
      })}
    </Space>
  );
}
