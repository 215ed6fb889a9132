import { describe, expect, it } from 'vitest';
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Form } from 'antd';
import {
  CodeListDocument,
  type CodeListQuery,
  type CodeListQueryVariables,
} from '../graphql/generated/graphql';
import { renderWithProviders, typedMock } from '../test/render';
import { CodeSelect, codeRank } from './CodeSelect';

const relations = typedMock<CodeListQuery, CodeListQueryVariables>({
  request: { query: CodeListDocument, variables: { kind: 'RELATION' } },
  maxUsageCount: Number.POSITIVE_INFINITY,
  result: {
    data: {
      __typename: 'Query',
      codeList: [
        { __typename: 'CodeEntry', code: '28', name: '女婿' },
        { __typename: 'CodeEntry', code: '30', name: '女' },
        { __typename: 'CodeEntry', code: '31', name: '长女' },
        { __typename: 'CodeEntry', code: '20', name: '子' },
      ],
    },
  },
});

describe('codeRank', () => {
  it('puts the exact name or code first, then prefixes, then names that contain the input', () => {
    const rank = (label: string, value: string, q: string) => codeRank({ label, value }, q);
    expect(rank('女', '30', '女')).toBe(0);
    expect(rank('女婿', '28', '女')).toBe(1);
    expect(rank('长女', '31', '女')).toBe(3);
    expect(rank('子', '20', '女')).toBe(-1);
    expect(rank('子', '20', '20')).toBe(0);
    expect(rank('女婿', '28', '2')).toBe(2);
  });
});

describe('CodeSelect', () => {
  it('offers 女 first, before 女婿 and 长女, when the clerk types 女', async () => {
    const user = userEvent.setup();
    let picked: string | undefined;
    renderWithProviders(
      <Form onValuesChange={(_, all: { relation?: string }) => (picked = all.relation)}>
        <Form.Item name="relation" label="与户主关系">
          <CodeSelect kind="RELATION" />
        </Form.Item>
      </Form>,
      [relations],
    );
    const input = screen.getByRole('combobox', { name: '与户主关系' });
    await user.click(input);
    await screen.findByTitle('女婿');
    await user.type(input, '女');
    await waitFor(() => {
      const shown = [...document.querySelectorAll('.ant-select-item-option')].map((o) => o.getAttribute('title'));
      expect(shown).toEqual(['女', '女婿', '长女']);
    });
    // Enter takes the first option (antd's defaultActiveFirstOption); picking by click shows the value reaches the form.
    await user.click(screen.getByTitle('女'));
    await waitFor(() => expect(picked).toBe('30'));
  });
});
