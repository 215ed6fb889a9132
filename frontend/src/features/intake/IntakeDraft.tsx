// The unsaved-changes guard and saved draft of every kind's intake page
// (issue 19 item 5). The route table wraps each kind's intake in IntakeDraft;
// each intake form joins with one line, useIntakeDraft(name, form). While a
// form has been touched and not saved, leaving the page (another route, a
// closed tab) asks first, and the values are kept on this PC (lib/drafts.ts)
// and offered back on the next visit. Saving the case (useIntakeDone) clears
// both.
import { createContext, useCallback, useContext, useEffect, useLayoutEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { Alert, App, Button, Form, Space } from 'antd';
import type { FormInstance } from 'antd';
import dayjs from 'dayjs';
import { useBlocker, useNavigate } from 'react-router';
import { useSessionStore } from '../../app/context';
import { useSession } from '../../app/session';
import { clearDraft, loadDraft, saveDraft, type Draft } from '../../lib/drafts';
import { formatTime } from '../../lib/format';
import { zhCN } from '../../locales/zh-CN';

const t = zhCN.counter;

interface DraftContextValue {
  register: (name: string, form: FormInstance) => () => void;
  changed: () => void;
  done: () => void;
}

const DraftContext = createContext<DraftContextValue | null>(null);

const toDate = (iso: string) => dayjs(iso);

/** IntakeDraft guards one kind's intake page: the draft, the prompt before leaving. */
export function IntakeDraft({ kind, children }: { kind: string; children: ReactNode }) {
  const store = useSessionStore();
  const session = useSession(store);
  const userId = session?.user.id ?? '';
  const forms = useRef(new Map<string, FormInstance>());
  const pending = useRef<Draft['forms'] | null>(null);
  const dirty = useRef(false);
  const [offered, setOffered] = useState<Draft | null>(() => (userId ? loadDraft(userId, kind, toDate) : null));
  const [, setDirtyShown] = useState(false);
  const { modal } = App.useApp();

  const markDirty = useCallback((d: boolean) => {
    dirty.current = d;
    setDirtyShown(d);
  }, []);

  const value = useMemo<DraftContextValue>(
    () => ({
      register(name, form) {
        forms.current.set(name, form);
        const restore = pending.current?.[name];
        if (restore) form.setFieldsValue(restore);
        return () => {
          if (forms.current.get(name) === form) forms.current.delete(name);
        };
      },
      changed() {
        if (!userId) return;
        const touched = [...forms.current.values()].some((f) => f.isFieldsTouched());
        if (!touched) return;
        const saved: Draft['forms'] = { ...(pending.current ?? {}) };
        for (const [name, f] of forms.current) saved[name] = f.getFieldsValue(true) as Record<string, unknown>;
        pending.current = saved;
        saveDraft(userId, kind, { savedAt: Date.now(), forms: saved });
        if (!dirty.current) markDirty(true);
      },
      done() {
        pending.current = null;
        if (userId) clearDraft(userId, kind);
        markDirty(false);
      },
    }),
    [kind, userId, markDirty],
  );

  // Another route inside the app: ask first. Not once the session is gone (sign-out, which drops the drafts, or
  // expiry, which keeps them): the login page is the only way on.
  const blocker = useBlocker(
    ({ currentLocation, nextLocation }) => dirty.current && store.get() !== null && currentLocation.pathname !== nextLocation.pathname,
  );
  const blockerRef = useRef(blocker);
  const modalRef = useRef(modal);
  useLayoutEffect(() => {
    blockerRef.current = blocker;
    modalRef.current = modal;
  });
  useEffect(() => {
    if (blocker.state !== 'blocked') return;
    let answered = false;
    const m = modalRef.current.confirm({
      title: t.leaveTitle,
      content: t.leaveContent,
      okText: t.leave,
      cancelText: t.stay,
      onOk: () => {
        answered = true;
        blockerRef.current.proceed?.();
      },
      onCancel: () => {
        answered = true;
        blockerRef.current.reset?.();
      },
    });
    return () => {
      if (!answered) m.destroy();
    };
  }, [blocker.state]);

  // A closed tab or a reload: the browser asks (its own words; the draft is kept anyway).
  useEffect(() => {
    const onUnload = (e: BeforeUnloadEvent) => {
      if (!dirty.current) return;
      e.preventDefault();
      e.returnValue = '';
    };
    window.addEventListener('beforeunload', onUnload);
    return () => window.removeEventListener('beforeunload', onUnload);
  }, []);

  const restore = () => {
    if (!offered) return;
    pending.current = offered.forms;
    for (const [name, f] of forms.current) {
      const v = offered.forms[name];
      if (v) f.setFieldsValue(v);
    }
    setOffered(null);
    markDirty(true);
  };
  const discard = () => {
    if (userId) clearDraft(userId, kind);
    setOffered(null);
  };

  return (
    <DraftContext.Provider value={value}>
      {offered && (
        <Alert
          type="warning"
          showIcon
          data-testid="intake-draft"
          style={{ marginBottom: 16 }}
          message={t.draftFound(formatTime(new Date(offered.savedAt).toISOString()))}
          description={t.draftHint}
          action={
            <Space direction="vertical">
              <Button size="small" type="primary" onClick={restore}>
                {t.restore}
              </Button>
              <Button size="small" danger onClick={discard}>
                {t.discard}
              </Button>
            </Space>
          }
        />
      )}
      {children}
    </DraftContext.Provider>
  );
}

/**
 * useIntakeDraft joins an intake form to its page's draft: its values are kept while it is touched and not saved,
 * and a draft the clerk restores fills it (also when the form appears later, as a wizard's next step). Outside an
 * IntakeDraft (a modify dialog, a test) it does nothing.
 */
export function useIntakeDraft(name: string, form: FormInstance): void {
  const ctx = useContext(DraftContext);
  const values: unknown = Form.useWatch([], { form, preserve: true });
  useEffect(() => ctx?.register(name, form), [ctx, name, form]);
  useEffect(() => {
    if (values !== undefined) ctx?.changed();
  }, [ctx, values]);
}

/** useIntakeDone returns what an intake calls once its case is saved: the draft goes, then the page opens path. */
export function useIntakeDone(): (path: string, state?: unknown) => void {
  const ctx = useContext(DraftContext);
  const navigate = useNavigate();
  return useCallback(
    (path: string, state?: unknown) => {
      ctx?.done();
      void navigate(path, state === undefined ? undefined : { state });
    },
    [ctx, navigate],
  );
}
