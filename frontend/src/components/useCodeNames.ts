import { useQuery } from '@apollo/client/react';
import { CodeListDocument } from '../graphql/generated/graphql';

/** useCodeNames turns code-list codes (民族, 与户主关系) into their names for read-only display. */
export function useCodeNames() {
  const eth = useQuery(CodeListDocument, { variables: { kind: 'ETHNICITY' }, fetchPolicy: 'cache-first' });
  const rel = useQuery(CodeListDocument, { variables: { kind: 'RELATION' }, fetchPolicy: 'cache-first' });
  const lookup = (list: readonly { code: string; name: string }[] | undefined) => (code: string) =>
    list?.find((e) => e.code === code)?.name ?? code;
  return { ethnicity: lookup(eth.data?.codeList), relation: lookup(rel.data?.codeList) };
}
