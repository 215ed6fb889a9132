import { describe, expect, it } from 'vitest';
import { screen } from '@testing-library/react';
import type { CaseTimelineEntryFragment } from '../../graphql/generated/graphql';
import { renderWithProviders } from '../../test/render';
import { CaseTimeline } from './CaseTimeline';

const entry = (over: Partial<CaseTimelineEntryFragment>): CaseTimelineEntryFragment => ({
  __typename: 'CaseAction',
  seq: 1,
  action: 'DELETE_ARCHIVE',
  from: 'COMPLETED',
  to: 'COMPLETED',
  actorName: '档案管理员',
  office: '211102000000',
  messageId: '',
  note: '',
  at: '2026-11-26T14:54:00Z',
  ...over,
});

describe('CaseTimeline', () => {
  it('shows a status change, and none for a step that kept the status (an archive change)', () => {
    renderWithProviders(
      <CaseTimeline
        entries={[
          entry({ seq: 2, action: 'DELETE_ARCHIVE', note: '「出生医学证明.png」删除：拍摄重复' }),
          entry({ seq: 1, action: 'SET_ARCHIVE_RESTRICTION', from: 'DRAFT', to: 'DRAFT', note: '' }),
          entry({ seq: 3, action: 'RESTORE_ARCHIVE', from: 'COMPLETED', to: 'CLOSED' }),
        ]}
      />,
      [],
    );
    expect(screen.getByText('删除档案')).toBeInTheDocument();
    expect(screen.getByText('「出生医学证明.png」删除：拍摄重复')).toBeInTheDocument();
    expect(screen.getByText('设置档案限制标志')).toBeInTheDocument();
    expect(screen.getAllByText(/→/)).toHaveLength(1);
  });
});
