import { useEffect, useRef, useState } from 'react';
import { useMutation, useQuery } from '@apollo/client/react';
import { CaseListColumnsDocument, SaveCaseListColumnsDocument } from '../../graphql/generated/graphql';
import { defaultColumnSettings, forgetLegacySettings, initialSettings, legacySettings, serverValue, type ColumnSettings } from './caseColumns';

/**
 * useColumnSettings is the signed-in user's case list column settings, kept on the server (#19 item 4): the
 * defaults until the server answers (or when it cannot), each change shown at once and saved (one save at a time,
 * the latest last); settings an older
 * version kept in this browser are moved to the server once, then removed from the browser. onSaveError is told
 * when a change could not be saved (it still applies on this page).
 */
export function useColumnSettings(username: string, onSaveError: () => void): [ColumnSettings, (s: ColumnSettings) => void] {
  const { data } = useQuery(CaseListColumnsDocument, { skip: username === '' });
  const [save] = useMutation(SaveCaseListColumnsDocument, {
    update(cache, { data: saved }) {
      if (saved) cache.writeQuery({ query: CaseListColumnsDocument, data: { __typename: 'Query', myPreference: saved.setMyPreference } });
    },
  });
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
  const settings = local ?? initial?.settings ?? defaultColumnSettings;
  // One save at a time, the latest change last: requests racing each other could land an older change last.
  const pending = useRef<ColumnSettings | null>(null);
  const saving = useRef(false);
  const flush = () => {
    const next = pending.current;
    if (!next || saving.current) return;
    pending.current = null;
    saving.current = true;
    save({ variables: { value: serverValue(next) } })
      .catch(onSaveError)
      .finally(() => {
        saving.current = false;
        flush();
      });
  };
  const setSettings = (s: ColumnSettings) => {
    setLocal(s);
    pending.current = s;
    flush();
  };
  return [settings, setSettings];
}
