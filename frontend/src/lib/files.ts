// Case files open through short-lived signed links minted by the server
// (query fileLinks: checked against the user's jurisdiction and audited),
// never with a token in the URL. A link lives 5 minutes; pages that show
// links re-mint them before they expire.
import { useMemo } from 'react';
import type { ApolloClient } from '@apollo/client';
import { useQuery } from '@apollo/client/react';
import { FileLinksDocument, type FileLinkInfoFragment } from '../graphql/generated/graphql';

/** linkRefreshMs re-mints links a minute before the server's 5-minute expiry. */
export const linkRefreshMs = 4 * 60 * 1000;

/** useFileLinks mints links to the files ids (kept fresh while mounted); the map is empty until they arrive. */
export function useFileLinks(ids: string[]): Map<string, FileLinkInfoFragment> {
  const key = ids.join(',');
  const { data } = useQuery(FileLinksDocument, {
    variables: { ids },
    skip: ids.length === 0,
    fetchPolicy: 'network-only',
    pollInterval: linkRefreshMs,
    errorPolicy: 'all',
  });
  return useMemo(() => {
    const m = new Map<string, FileLinkInfoFragment>();
    if (key === '') return m;
    for (const l of data?.fileLinks ?? []) m.set(l.id, l);
    return m;
  }, [data, key]);
}

/** fileLink mints one fresh link to a file (for a window opened on a click). */
export async function fileLink(client: ApolloClient, id: string): Promise<FileLinkInfoFragment | null> {
  const r = await client.query({ query: FileLinksDocument, variables: { ids: [id] }, fetchPolicy: 'network-only' });
  return r.data?.fileLinks[0] ?? null;
}

/** openForPrint opens a PDF in a new window so the clerk prints it from the browser's viewer. */
export function openForPrint(href: string, target: Window | null = null): void {
  if (target && !target.closed) {
    target.location.href = href;
    return;
  }
  window.open(href, '_blank', 'noopener');
}
