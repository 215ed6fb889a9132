import { Select, type SelectProps } from 'antd';
import { useQuery } from '@apollo/client/react';
import { CodeListDocument, type CodeListKind } from '../graphql/generated/graphql';
import { zhCN } from '../locales/zh-CN';

type Props = Omit<SelectProps<string>, 'options' | 'loading'> & { kind: CodeListKind };

interface CodeOption {
  value: string;
  label: string;
}

/**
 * codeRank orders a code list's matches for what the clerk typed, best first: the exact name or code, then names
 * and codes that start with it, then names that contain it. So typing 女 and Enter picks 女 (code 30), not 女婿.
 * -1: no match.
 */
export function codeRank(o: CodeOption, input: string): number {
  const q = input.trim();
  if (q === '') return 0;
  if (o.label === q || o.value === q) return 0;
  if (o.label.startsWith(q)) return 1;
  if (o.value.startsWith(q)) return 2;
  if (o.label.includes(q)) return 3;
  return -1;
}

/** CodeSelect is a searchable select over a national standard code list (GB/T 2261.1, 3304, 4761). */
export function CodeSelect({ kind, ...rest }: Props) {
  const { data, loading } = useQuery(CodeListDocument, { variables: { kind }, fetchPolicy: 'cache-first' });
  const options: CodeOption[] = (data?.codeList ?? []).map((c) => ({ value: c.code, label: c.name }));
  return (
    <Select<string, CodeOption>
      showSearch
      allowClear
      placeholder={zhCN.app.selectPlaceholder}
      optionFilterProp="label"
      filterOption={(input, option) => !!option && codeRank(option, input) >= 0}
      filterSort={(a, b, { searchValue }) => codeRank(a, searchValue) - codeRank(b, searchValue)}
      loading={loading}
      options={options}
      {...rest}
    />
  );
}
