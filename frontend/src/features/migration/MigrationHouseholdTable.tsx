import { Table, Tag } from 'antd';
import type { MigrationPersonFragment } from '../../graphql/generated/graphql';
import { useCodeNames } from '../../components/useCodeNames';
import { zhCN } from '../../locales/zh-CN';

const t = zhCN.migration;
const mono = (v: string) => <span className="hukou-mono hukou-nowrap">{v}</span>;

/** MigrationHouseholdTable lists the members of the Ministry household the movers leave, the movers marked (1.1.3). */
export function MigrationHouseholdTable({ members, movers }: { members: readonly MigrationPersonFragment[]; movers: readonly string[] }) {
  const names = useCodeNames();
  return (
    <Table
      size="small"
      rowKey="idNumber"
      pagination={false}
      dataSource={[...members]}
      data-testid="migration-household"
      columns={[
        { title: t.name, dataIndex: 'name', render: (v: string) => <span className="hukou-nowrap">{v}</span> },
        { title: t.idNumber, dataIndex: 'idNumber', render: (v: string) => mono(v) },
        { title: t.sex, dataIndex: 'sex', render: (v: string) => zhCN.sex[v] ?? v },
        { title: t.relation, dataIndex: 'relation', render: (v: string) => <span className="hukou-nowrap">{names.relation(v)}</span> },
        { title: t.status, dataIndex: 'status', render: (v: string) => t.residentStatus[v] ?? v },
        {
          title: t.movers,
          key: 'moves',
          render: (_: unknown, m: MigrationPersonFragment) =>
            movers.includes(m.idNumber) ? <Tag color="orange">{t.leaving}</Tag> : <Tag>{t.staying}</Tag>,
        },
      ]}
    />
  );
}
