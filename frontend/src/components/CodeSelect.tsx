import { Select, type SelectProps } from 'antd';
import { useQuery } from '@apollo/client/react';
import { CodeListDocument, type CodeListKind } from '../graphql/generated/graphql';
import { zhCN } from '../locales/zh-CN';

type Props = Omit<SelectProps<string>, 'options' | 'loading'> & { kind: CodeListKind };

/** CodeSelect is a searchable select over a national standard code list (GB/T 2261.1, 3304, 4761). */
export function CodeSelect({ kind, ...rest }: Props) {
  const { data, loading } = useQuery(CodeListDocument, { variables: { kind }, fetchPolicy: 'cache-first' });
  const options = (data?.codeList ?? []).map((c) => ({ value: c.code, label: c.name }));
  return (
    <Select<string>
      showSearch
      allowClear
      placeholder={zhCN.app.selectPlaceholder}
      optionFilterProp="label"
      filterOption={(input, option) =>
        !!option && ((typeof option.label === 'string' && option.label.includes(input)) || String(option.value).startsWith(input))
      }
      loading={loading}
      options={options}
      {...rest}
    />
  );
}
