import { Button, Card, DatePicker, Input, InputNumber, Select, Space, Tooltip, Typography } from 'antd';
import { DeleteOutlined, PlusOutlined, SisternodeOutlined } from '@ant-design/icons';
import dayjs from 'dayjs';
import type { QueryFieldInfoFragment, QueryOperator } from '../../graphql/generated/graphql';
import { zhCN } from '../../locales/zh-CN';
import { codeLabel } from './labels';
import { depthOf, maxDepth, newGroup, newLeaf, update, usableOperators, valueArity, type CondGroup, type CondLeaf, type CondNode } from './conditions';

const t = zhCN.query;
const dateFormat = 'YYYY-MM-DD';

interface BuilderProps {
  root: CondGroup;
  fields: readonly QueryFieldInfoFragment[];
  onChange: (root: CondGroup) => void;
}

/** ConditionBuilder edits a nested condition tree: groups joined by AND or OR, up to the server's depth (1.5.1). */
export function ConditionBuilder({ root, fields, onChange }: BuilderProps) {
  return <GroupEditor node={root} root={root} fields={fields} onChange={onChange} />;
}

interface NodeProps {
  root: CondGroup;
  fields: readonly QueryFieldInfoFragment[];
  onChange: (root: CondGroup) => void;
}

function GroupEditor({ node, root, fields, onChange }: NodeProps & { node: CondGroup }) {
  const isRoot = node.key === root.key;
  const canNest = depthOf(root, node.key) < maxDepth;
  const set = (f: (n: CondNode) => CondNode | null) => onChange(update(root, node.key, f));
  const add = (child: CondNode) => set((n) => (n.kind === 'group' ? { ...n, children: [...n.children, child] } : n));
  return (
    <Card
      size="small"
      role="group"
      aria-label={t.conditions}
      style={{ marginTop: isRoot ? 0 : 8, background: isRoot ? undefined : '#fafafa' }}
      title={
        <Select
          aria-label={t.matchAll}
          size="small"
          value={node.group}
          style={{ width: 140 }}
          options={[
            { value: 'AND', label: t.matchAll },
            { value: 'OR', label: t.matchAny },
          ]}
          onChange={(group) => set((n) => (n.kind === 'group' ? { ...n, group } : n))}
        />
      }
      extra={
        !isRoot && (
          <Button size="small" type="text" danger icon={<DeleteOutlined />} aria-label={t.remove} onClick={() => set(() => null)} />
        )
      }
    >
      {node.children.length === 0 && <Typography.Text type="secondary">{t.empty}</Typography.Text>}
      {node.children.map((c) =>
        c.kind === 'group' ? (
          <GroupEditor key={c.key} node={c} root={root} fields={fields} onChange={onChange} />
        ) : (
          <LeafEditor key={c.key} node={c} root={root} fields={fields} onChange={onChange} />
        ),
      )}
      <Space style={{ marginTop: 8 }}>
        <Button size="small" icon={<PlusOutlined />} onClick={() => add(newLeaf())}>
          {t.addCondition}
        </Button>
        <Tooltip title={canNest ? '' : t.tooDeep}>
          <Button size="small" icon={<SisternodeOutlined />} disabled={!canNest} onClick={() => add(newGroup(node.group === 'AND' ? 'OR' : 'AND', [newLeaf()]))}>
            {t.addGroup}
          </Button>
        </Tooltip>
      </Space>
    </Card>
  );
}

function LeafEditor({ node, root, fields, onChange }: NodeProps & { node: CondLeaf }) {
  const field = fields.find((f) => f.name === node.field);
  const set = (patch: Partial<CondLeaf>) => onChange(update(root, node.key, (n) => (n.kind === 'leaf' ? { ...n, ...patch } : n)));
  const ops = usableOperators(field);
  // A field the caller cannot compare at all (a masked one without 为空 / 不为空) is not offered.
  const usable = fields.filter((f) => f.name === node.field || usableOperators(f).length > 0);
  return (
    <Space wrap style={{ display: 'flex', marginTop: 8 }} data-testid="query-condition">
      <Select
        aria-label={t.field}
        placeholder={t.field}
        showSearch
        optionFilterProp="label"
        style={{ width: 180 }}
        value={node.field || undefined}
        options={usable.map((f) => ({ value: f.name, label: f.label }))}
        onChange={(name: string) => set({ field: name, op: usableOperators(fields.find((x) => x.name === name))[0] ?? '', values: [] })}
      />
      <Select
        aria-label={t.operator}
        placeholder={t.operator}
        style={{ width: 150 }}
        value={node.op || undefined}
        disabled={!field}
        options={ops.map((op) => ({ value: op, label: t.ops[op] }))}
        onChange={(op: QueryOperator) => set({ op, values: [] })}
      />
      {field && node.op && <ValueEditor field={field} op={node.op} values={node.values} onChange={(values) => set({ values })} />}
      <Button size="small" type="text" danger icon={<DeleteOutlined />} aria-label={t.remove} onClick={() => onChange(update(root, node.key, () => null))} />
    </Space>
  );
}

interface ValueProps {
  field: QueryFieldInfoFragment;
  op: QueryOperator;
  values: string[];
  onChange: (values: string[]) => void;
}

function ValueEditor({ field, op, values, onChange }: ValueProps) {
  const arity = valueArity(op);
  if (arity === 0) return null;
  const codes = field.codes.map((c) => ({ value: c.code, label: codeLabel(field, c.code) }));
  const isDate = field.type === 'DATE' || field.type === 'DATETIME';
  if (op === 'LAST_DAYS') {
    return (
      <InputNumber
        aria-label={t.value}
        min={1}
        max={36600}
        addonAfter={t.days}
        value={values[0] ? Number(values[0]) : null}
        onChange={(v) => onChange(v ? [String(v)] : [])}
      />
    );
  }
  if (arity === 'many') {
    return (
      <Select
        aria-label={t.value}
        mode={codes.length > 0 ? 'multiple' : 'tags'}
        style={{ minWidth: 240 }}
        value={values}
        options={codes}
        optionFilterProp="label"
        tokenSeparators={[',', '，', ' ']}
        onChange={(v: string[]) => onChange(v)}
      />
    );
  }
  if (arity === 2) {
    if (isDate) {
      return (
        <DatePicker.RangePicker
          aria-label={t.value}
          value={values.length === 2 ? [dayjs(values[0]), dayjs(values[1])] : null}
          onChange={(r) => onChange(r?.[0] && r[1] ? [r[0].format(dateFormat), r[1].format(dateFormat)] : [])}
        />
      );
    }
    return (
      <Space.Compact>
        <Input aria-label={t.valueFrom} placeholder={t.valueFrom} style={{ width: 120 }} value={values[0] ?? ''} onChange={(e) => onChange([e.target.value, values[1] ?? ''])} />
        <Input aria-label={t.valueTo} placeholder={t.valueTo} style={{ width: 120 }} value={values[1] ?? ''} onChange={(e) => onChange([values[0] ?? '', e.target.value])} />
      </Space.Compact>
    );
  }
  if (codes.length > 0) {
    return (
      <Select aria-label={t.value} showSearch optionFilterProp="label" style={{ width: 200 }} value={values[0]} options={codes} onChange={(v: string) => onChange([v])} />
    );
  }
  if (isDate) {
    return (
      <DatePicker aria-label={t.value} value={values[0] ? dayjs(values[0]) : null} onChange={(d) => onChange(d ? [d.format(dateFormat)] : [])} />
    );
  }
  return (
    <Input
      aria-label={t.value}
      placeholder={field.type === 'OFFICE' ? t.officeCode : t.value}
      style={{ width: 220 }}
      value={values[0] ?? ''}
      onChange={(e) => onChange([e.target.value])}
    />
  );
}
