import { useEffect, useRef, useState } from 'react';
import { useApolloClient, useMutation, useQuery } from '@apollo/client/react';
import type { ApolloCache } from '@apollo/client';
import { CaseListColumnsDocument, SaveCaseListColumnsDocument, type SaveCaseListColumnsMutation } from '../../graphql/generated/graphql';
import { defaultColumnSettings, forgetLegacySettings, initialSettings, legacySettings, serverValue, type ColumnSettings } from './caseColumns';
import { latestSaver, type LatestSaver } from './latestSaver';

/** columnSaveDelayMs is how long after the last change the column settings are saved (#18). */
export const columnSaveDelayMs = 800;

/** keepSaved puts the saved settings in the cache, as the next visit's query reads them. */
function keepSaved(cache: ApolloCache, { data }: { data?: SaveCaseListColumnsMutation | null }) {
  if (data) cache.writeQuery({ query: CaseListColumnsDocument, data: { __typename: 'Query', myPreference: data.setMyPreference } });
}

/**
 * useColumnSettings is the signed-in user's case list column settings, kept on the server (#19 item 4): the
 * defaults until the server answers (or when it cannot), each change shown at once and saved columnSaveDelayMs
 * after the last change (one save, so one audit row, for a burst of clicks; #18), at once when the user leaves the
 * page (route change, tab hidden or closed), one save at a time, the latest last; settings an older version kept in
 * this browser are moved to the server once, then removed from the browser. onSaveError is told when a change could
 * not be saved (it still applies on this page).
 */
export function useColumnSettings(username: string, onSaveError: () => void): [ColumnSettings, (s: ColumnSettings) => void] {
  const { data } = useQuery(CaseListColumnsDocument, { skip: username === '' });
  const client = useApolloClient();
  const [save] = useMutation(SaveCaseListColumnsDocument, { update: keepSaved });
  const [local, setLocal] = useState<ColumnSettings | null>(null);
  const initial = data ? initialSettings(data.myPreference, legacySettings(username)) : null;
  const migrated = useRef(false);
  const migrate = initial?.migrate ?? null;
  useEffect(() => {
    if (!migrate || migrated.current) return;
    migrated.current = true;
    save({ variables: { value: serverValue(migrate) } })
      .then(() => forgetLegacySettings(username))
      .catch(() => {
        migrated.current = false; // kept in the browser: tried again on the next visit
      });
  }, [migrate, save, username]);
  const onSaveErrorRef = useRef(onSaveError);
  useEffect(() => {
    onSaveErrorRef.current = onSaveError;
  });
  // The client, not useMutation: a save flushed as the page unmounts outlives it. keepalive lets the request
  // finish when the tab is closed.
  const saver = useRef<LatestSaver<ColumnSettings> | null>(null);
  useEffect(() => {
    const s = latestSaver<ColumnSettings>(
      (v) =>
        client.mutate({
          mutation: SaveCaseListColumnsDocument,
          variables: { value: serverValue(v) },
          update: keepSaved,
          context: { fetchOptions: { keepalive: true } },
        }),
      columnSaveDelayMs,
      () => onSaveErrorRef.current(),
    );
    saver.current = s;
    const leave = () => s.flush();
    const hidden = () => {
      if (document.visibilityState === 'hidden') s.flush();
    };
    window.addEventListener('pagehide', leave);
    document.addEventListener('visibilitychange', hidden);
    return () => {
      window.removeEventListener('pagehide', leave);
      document.removeEventListener('visibilitychange', hidden);
      s.flush();
      if (saver.current === s) saver.current = null;
    };
  }, [client]);
  const settings = local ?? initial?.settings ?? defaultColumnSettings;
  const setSettings = (s: ColumnSettings) => {
    setLocal(s);
    saver.current?.change(s);
  };
  return [settings, setSettings];
}
