import { describe, expect, it, vi } from 'vitest';
import { screen, within } from '@testing-library/react';
import { Button } from 'antd';
import type { CaseActionName } from '../../graphql/generated/graphql';
import { zhCN } from '../../locales/zh-CN';
import { aCase } from '../../test/fixtures';
import { renderWithProviders } from '../../test/render';
import { CaseActions } from './CaseActions';
import type { StepProps } from './steps';

// Three step names of whatever kind the schema has; the engine must not care which.
const [first, second, third] = Object.keys(zhCN.actions) as CaseActionName[];

function FakeStep({ action, main }: StepProps) {
  return <Button type={main ? 'primary' : 'default'}>{action}</Button>;
}

const kind = { steps: { [first]: FakeStep, [second]: FakeStep }, mainStep: () => second };

describe('CaseActions', () => {
  it('renders the kind’s step for each available action, in the server’s order, marking the main one', () => {
    renderWithProviders(<CaseActions c={aCase({ availableActions: [second, first] })} kind={kind} onRefresh={vi.fn()} />, []);
    const buttons = within(screen.getByTestId('case-actions')).getAllByRole('button');
    expect(buttons.map((b) => b.textContent)).toEqual([second, first]);
    expect(buttons.map((b) => b.classList.contains('ant-btn-primary'))).toEqual([true, false]);
  });

  it('renders nothing for a step the kind has no component for', () => {
    renderWithProviders(<CaseActions c={aCase({ availableActions: [third] })} kind={kind} onRefresh={vi.fn()} />, []);
    expect(screen.queryByRole('button')).toBeNull();
  });

  it('says so when the server offers no step', () => {
    renderWithProviders(<CaseActions c={aCase({ availableActions: [] })} kind={kind} onRefresh={vi.fn()} />, []);
    expect(screen.getByText('当前没有可办理的操作')).toBeInTheDocument();
  });
});
