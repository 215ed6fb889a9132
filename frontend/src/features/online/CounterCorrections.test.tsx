import { describe, expect, it } from 'vitest';
import { screen, waitFor, within } from '@testing-library/react';
import {
  CaseOnlineApplicationDocument,
  type CaseOnlineApplicationQuery,
  type CaseOnlineApplicationQueryVariables,
} from '../../graphql/generated/graphql';
import { signedInStore } from '../../test/fixtures';
import { renderWithProviders, typedMock } from '../../test/render';
import { CounterCorrections } from './CounterCorrections';

type Correction = { field: string; portal: string; counter: string };

/** caseMock answers the case's online application with corrections, or no application (null). */
function caseMock(corrections: Correction[] | null) {
  return typedMock<CaseOnlineApplicationQuery, CaseOnlineApplicationQueryVariables>({
    request: { query: CaseOnlineApplicationDocument, variables: { id: 'case-1' } },
    result: {
      data: {
        __typename: 'Query',
        case: {
          __typename: 'Case',
          id: 'case-1',
          onlineApplication: corrections && {
            __typename: 'OnlineApplication',
            id: 'app-1',
            reference: 'HB-2026-0042',
            counterCorrections: corrections.map((c) => ({ __typename: 'OnlineCorrection', ...c })),
          },
        },
      },
    },
  });
}

const corrected: Correction[] = [
  { field: 'phone', portal: '13912345678', counter: '13800001111' },
  { field: 'pickup', portal: 'IN_PERSON', counter: 'POST' },
  { field: 'postAddress', portal: '', counter: '石家庄市长安区中山东路1号' },
  { field: 'someNewField', portal: 'a', counter: 'b' },
];

// The counter's corrections of an online ID card application on its case page (3.1.4).
describe('CounterCorrections', () => {
  it('shows each corrected field with the portal value and the counter value, in Chinese', async () => {
    renderWithProviders(<CounterCorrections caseId="case-1" side="ACCEPTANCE" />, [caseMock(corrected)], signedInStore(['CLERK']));
    const section = await screen.findByRole('region', { name: '窗口核实更正' });
    expect(within(section).getAllByRole('columnheader').map((h) => h.textContent)).toEqual(['字段', '网上申报', '窗口核实']);
    const rows = within(section)
      .getAllByRole('row')
      .slice(1)
      .map((r) => within(r).getAllByRole('cell').map((c) => c.textContent));
    expect(rows).toEqual([
      ['联系电话', '13912345678', '13800001111'],
      ['领证方式', '到受理地领取', '邮寄送达'],
      ['邮寄地址', '（未填写）', '石家庄市长安区中山东路1号'],
      ['其他信息', 'a', 'b'],
    ]);
    expect(section.textContent).toContain('HB-2026-0042');
    // No English field names or codes on screen.
    expect(section.textContent).not.toMatch(/phone|pickup|IN_PERSON|POST\b|someNewField/);
  });

  it('shows nothing when nothing was corrected or the case was not opened online', async () => {
    for (const answer of [[], null]) {
      const { container, unmount } = renderWithProviders(
        <CounterCorrections caseId="case-1" side="ACCEPTANCE" />,
        [caseMock(answer)],
        signedInStore(['OFFICER']),
      );
      // Wait for the answer (the mock is used once), then nothing is rendered.
      await waitFor(() => expect(screen.queryByTestId('counter-corrections')).toBeNull());
      await new Promise((r) => setTimeout(r, 50));
      expect(container.querySelector('[data-testid="counter-corrections"]')).toBeNull();
      unmount();
    }
  });

  it('asks nothing for roles that may not read them, nor on the registration office copy', async () => {
    let asked = 0;
    const counting = { ...caseMock(corrected), maxUsageCount: Number.POSITIVE_INFINITY };
    const answer = counting.result;
    counting.result = () => {
      asked += 1;
      return answer as never;
    };
    for (const [roles, side] of [
      [['ANALYST'], 'ACCEPTANCE'],
      [['ARCHIVIST'], 'ACCEPTANCE'],
      [['CLERK'], 'REGISTRATION'],
    ] as const) {
      const { unmount } = renderWithProviders(<CounterCorrections caseId="case-1" side={side} />, [counting], signedInStore([...roles]));
      await new Promise((r) => setTimeout(r, 50));
      expect(screen.queryByTestId('counter-corrections')).toBeNull();
      unmount();
    }
    expect(asked).toBe(0);
    // The same mock answers a clerk on the acceptance office's copy.
    renderWithProviders(<CounterCorrections caseId="case-1" side="ACCEPTANCE" />, [counting], signedInStore(['CLERK']));
    await screen.findByTestId('counter-corrections');
    expect(asked).toBe(1);
  });
});
