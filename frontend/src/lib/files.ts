// Case files open through short-lived signed links minted by the server
// (query fileLinks: checked against the user's jurisdiction and audited),
// never with a token in the URL. A link lives 5 minutes; pages that show
// links re-mint them before they expire.
import { useEffect, useMemo } from 'react';
import type { ApolloClient } from '@apollo/client';
import { CombinedGraphQLErrors } from '@apollo/client/errors';
import { useQuery } from '@apollo/client/react';
import { FileLinksDocument, type FileLinkInfoFragment } from '../graphql/generated/graphql';

/** linkRefreshMs re-mints links a minute before the server's 5-minute expiry. */
export const linkRefreshMs = 4 * 60 * 1000;

/**
 * useFileLinks mints links to the files ids, the map empty until they arrive.
 * They are re-minted every few minutes while the page is visible (each mint is
 * audited, so a hidden tab does not keep minting) and at once when the page
 * becomes visible again with links about to expire.
 */
export function useFileLinks(ids: string[]): Map<string, FileLinkInfoFragment> {
  const key = ids.join(',');
  const { data, error, refetch, stopPolling } = useQuery(FileLinksDocument, {
    variables: { ids },
    skip: ids.length === 0,
    fetchPolicy: 'network-only',
    pollInterval: linkRefreshMs,
    skipPollAttempt: () => document.visibilityState === 'hidden',
    errorPolicy: 'all',
  });
  // A refusal (a role that reads personal data masked may open no file) is
  // final: asking again every few minutes would only fill the audit log.
  const refused = CombinedGraphQLErrors.is(error);
  useEffect(() => {
    if (refused) stopPolling();
  }, [refused, stopPolling]);
  const expiresAt = data?.fileLinks[0]?.expiresAt;
  useEffect(() => {
    if (!expiresAt) return;
    const onVisible = () => {
      if (document.visibilityState === 'visible' && Date.parse(expiresAt) - Date.now() < 60_000) void refetch();
    };
    document.addEventListener('visibilitychange', onVisible);
    return () => document.removeEventListener('visibilitychange', onVisible);
  }, [expiresAt, refetch]);
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
