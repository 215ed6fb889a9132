// The condition tree as the builder edits it (1.5.1–1.5.4): groups joined by AND or OR, nested, and
// conditions on one field each. The server checks every tree (fields, operators, values, limits); this file
// only turns the editor's state into the API's input and back.
import type {
  QueryConditionInput,
  QueryFieldInfoFragment,
  QueryGroupOp,
  QueryOperator,
} from '../../graphql/generated/graphql';

export interface CondLeaf {
  kind: 'leaf';
  key: string;
  field: string;
  op: QueryOperator | '';
  values: string[];
}

export interface CondGroup {
  kind: 'group';
  key: string;
  group: QueryGroupOp;
  children: CondNode[];
}

export type CondNode = CondLeaf | CondGroup;

/** The server's nesting limit (domain.MaxQueryDepth): the root group is depth 1. */
export const maxDepth = 5;

let seq = 0;
function nextKey(): string {
  seq += 1;
  return `c${seq}`;
}

export function newLeaf(field = ''): CondLeaf {
  return { kind: 'leaf', key: nextKey(), field, op: '', values: [] };
}

export function newGroup(group: QueryGroupOp = 'AND', children: CondNode[] = []): CondGroup {
  return { kind: 'group', key: nextKey(), group, children };
}

/** valueArity is how many values an operator takes: 0, 1, 2, or 'many' (IN). */
/**
 * usableOperators are the operators a caller may use on field: a masked caller may only ask whether personal
 * data is empty (the server refuses the rest), so a masked field without 为空 / 不为空 offers none.
 */
export function usableOperators(field: Pick<QueryFieldInfoFragment, 'operators' | 'masked'> | undefined): QueryOperator[] {
  return (field?.operators ?? []).filter((op) => !field?.masked || op === 'IS_NULL' || op === 'NOT_NULL');
}

export function valueArity(op: QueryOperator | ''): 0 | 1 | 2 | 'many' {
  switch (op) {
    case 'IS_NULL':
    case 'NOT_NULL':
    case '':
      return 0;
    case 'BETWEEN':
      return 2;
    case 'IN':
      return 'many';
    default:
      return 1;
  }
}

/** complete says whether a condition has a field, an operator and its values. */
export function complete(c: CondLeaf): boolean {
  if (!c.field || !c.op) return false;
  const n = valueArity(c.op);
  const filled = c.values.filter((v) => v !== '');
  if (n === 0) return true;
  if (n === 'many') return filled.length > 0;
  return filled.length === n;
}

/** toInput is the API's input for a tree; incomplete conditions and empty groups are left out, and an empty tree is null. */
export function toInput(node: CondNode): QueryConditionInput | null {
  if (node.kind === 'leaf') {
    if (!complete(node) || node.op === '') return null;
    const values = valueArity(node.op) === 0 ? [] : node.values.filter((v) => v !== '');
    return { field: node.field, op: node.op, values };
  }
  const children = node.children.map(toInput).filter((c): c is QueryConditionInput => c !== null);
  if (children.length === 0) return null;
  return { group: node.group, children };
}

/** ServerCondition is a condition tree as the API returns it (QueryConditionTree), any depth. */
export interface ServerCondition {
  group?: QueryGroupOp | null;
  field?: string | null;
  op?: QueryOperator | null;
  values?: readonly string[] | null;
  children?: readonly ServerCondition[] | null;
}

/** fromServer is the editor's tree for a saved or recent condition; the root is always a group. */
export function fromServer(c: ServerCondition | null | undefined): CondGroup {
  if (!c) return newGroup();
  const node = fromServerNode(c);
  return node.kind === 'group' ? node : newGroup('AND', [node]);
}

function fromServerNode(c: ServerCondition): CondNode {
  if (c.group) return newGroup(c.group, (c.children ?? []).map(fromServerNode));
  return { kind: 'leaf', key: nextKey(), field: c.field ?? '', op: c.op ?? '', values: [...(c.values ?? [])] };
}

/** update returns the tree with the node keyed key replaced by f(node) (or removed when f returns null). */
export function update(root: CondGroup, key: string, f: (n: CondNode) => CondNode | null): CondGroup {
  const walk = (n: CondNode): CondNode | null => {
    if (n.key === key) return f(n);
    if (n.kind === 'leaf') return n;
    return { ...n, children: n.children.map(walk).filter((c): c is CondNode => c !== null) };
  };
  const out = walk(root);
  return out && out.kind === 'group' ? out : newGroup();
}

/** depthOf is how deep the node keyed key sits (the root is 1), or 0 when absent. */
export function depthOf(root: CondGroup, key: string): number {
  const walk = (n: CondNode, d: number): number => {
    if (n.key === key) return d;
    if (n.kind === 'leaf') return 0;
    for (const c of n.children) {
      const got = walk(c, d + 1);
      if (got) return got;
    }
    return 0;
  };
  return walk(root, 1);
}

export interface DescribeText {
  and: string;
  or: string;
  ops: Record<QueryOperator, string>;
  codeLabel: (field: QueryFieldInfoFragment, code: string) => string;
}

/** describe renders a condition tree as one line of text for the recent-conditions list. */
export function describe(c: ServerCondition | null | undefined, fields: readonly QueryFieldInfoFragment[], t: DescribeText): string {
  if (!c) return '';
  if (c.group) {
    const parts = (c.children ?? []).map((ch) => describe(ch, fields, t)).filter(Boolean);
    const joined = parts.join(c.group === 'OR' ? ` ${t.or} ` : ` ${t.and} `);
    return parts.length > 1 ? `(${joined})` : joined;
  }
  const f = fields.find((x) => x.name === c.field);
  const label = f?.label ?? c.field ?? '';
  const values = (c.values ?? []).map((v) => (f ? t.codeLabel(f, v) : v));
  return [label, c.op ? t.ops[c.op] : '', values.join('、')].filter(Boolean).join(' ');
}
