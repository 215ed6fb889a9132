import { describe as suite, expect, it } from 'vitest';
import type { QueryFieldInfoFragment } from '../../graphql/generated/graphql';
import { zhCN } from '../../locales/zh-CN';
import { depthOf, describe, fromServer, newGroup, newLeaf, toInput, update, usableOperators, type CondLeaf } from './conditions';
import { codeLabel } from './labels';

const leaf = (field: string, op: CondLeaf['op'], values: string[]): CondLeaf => ({ ...newLeaf(field), op, values });

const fields: QueryFieldInfoFragment[] = [
  { __typename: 'QueryField', name: 'status', label: '状态', type: 'CODE', operators: ['EQ', 'IN'], pii: null, masked: false, sortable: false,
    codes: [{ __typename: 'QueryCodeValue', code: 'DRAFT', name: 'DRAFT' }] },
  { __typename: 'QueryField', name: 'createdAt', label: '创建时间', type: 'DATETIME', operators: ['BETWEEN', 'LAST_DAYS'], pii: null, masked: false, sortable: true, codes: [] },
];

suite('condition trees (1.5.1)', () => {
  it('sends only complete conditions and non-empty groups', () => {
    const root = newGroup('AND', [
      leaf('status', 'EQ', ['DRAFT']),
      leaf('status', '', []),
      leaf('createdAt', 'BETWEEN', ['2026-11-01']),
      newGroup('OR', [leaf('', '', [])]),
      newGroup('OR', [leaf('createdAt', 'LAST_DAYS', ['30']), leaf('status', 'IS_NULL', ['ignored'])]),
    ]);
    expect(toInput(root)).toEqual({
      group: 'AND',
      children: [
        { field: 'status', op: 'EQ', values: ['DRAFT'] },
        { group: 'OR', children: [{ field: 'createdAt', op: 'LAST_DAYS', values: ['30'] }, { field: 'status', op: 'IS_NULL', values: [] }] },
      ],
    });
    expect(toInput(newGroup())).toBeNull();
  });

  it('reads a saved tree back into the editor', () => {
    const input = { group: 'OR' as const, children: [{ field: 'status', op: 'IN' as const, values: ['DRAFT'] }, { group: 'AND' as const, children: [{ field: 'createdAt', op: 'LAST_DAYS' as const, values: ['7'] }] }] };
    expect(toInput(fromServer(input))).toEqual(input);
    // A single condition becomes the root group's only child.
    expect(toInput(fromServer({ field: 'status', op: 'EQ', values: ['DRAFT'] }))).toEqual({ group: 'AND', children: [{ field: 'status', op: 'EQ', values: ['DRAFT'] }] });
  });

  it('edits and removes nodes by key and knows their depth', () => {
    const inner = newGroup('OR', [leaf('status', 'EQ', ['DRAFT'])]);
    const root = newGroup('AND', [inner]);
    expect(depthOf(root, inner.key)).toBe(2);
    expect(depthOf(root, inner.children[0].key)).toBe(3);
    const removed = update(root, inner.key, () => null);
    expect(removed.children).toHaveLength(0);
  });

  it('describes a condition in Chinese for the recent list', () => {
    const text = describe(
      { group: 'AND', children: [{ field: 'status', op: 'EQ', values: ['DRAFT'] }, { field: 'createdAt', op: 'LAST_DAYS', values: ['30'] }] },
      fields,
      { and: zhCN.query.and, or: zhCN.query.or, ops: zhCN.query.ops, codeLabel },
    );
    expect(text).toBe('(状态 等于 待提交 并且 创建时间 最近（天） 30)');
  });

  it('offers a masked caller only 为空 / 不为空, and nothing on a masked field without them', () => {
    expect(usableOperators({ operators: ['EQ', 'IN', 'PREFIX'], masked: false })).toEqual(['EQ', 'IN', 'PREFIX']);
    expect(usableOperators({ operators: ['EQ', 'CONTAINS', 'IS_NULL', 'NOT_NULL'], masked: true })).toEqual(['IS_NULL', 'NOT_NULL']);
    expect(usableOperators({ operators: ['EQ', 'IN', 'PREFIX'], masked: true })).toEqual([]);
    expect(usableOperators(undefined)).toEqual([]);
  });
});
