// Server field errors that belong to the case page rather than to a step's
// dialog: a step names a field its own form lacks (submission refused with
// field "materials"), and the panel that shows that field displays it. The
// case steps (features/case/steps.tsx) fall back to this; panels read it.
// Nothing here knows a kind.
import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react';

/** The fields the case page itself shows, outside any step's form, and the panel that shows each. */
export const pageFields = {
  /** The Ministry's materials and their archives (CaseFilesPanel): every required one before submission. */
  materials: 'materials',
} as const;

export type PageField = keyof typeof pageFields;

function isPageField(field: string): field is PageField {
  return Object.hasOwn(pageFields, field);
}

export interface PageErrors {
  /** The error shown on a page field, if any. */
  errors: Partial<Record<PageField, string>>;
  /** Shows message on field when the page has such a field; false otherwise (the caller notifies instead). */
  set: (field: string, message: string) => boolean;
  /** Clears field's error, or every error. */
  clear: (field?: PageField) => void;
}

const PageErrorsContext = createContext<PageErrors | null>(null);

/** PageErrorsProvider holds the case page's field errors for the steps and panels under it. */
export function PageErrorsProvider({ children }: { children: ReactNode }) {
  const [errors, setErrors] = useState<Partial<Record<PageField, string>>>({});
  const set = useCallback((field: string, message: string) => {
    if (!isPageField(field)) return false;
    setErrors((e) => ({ ...e, [field]: message }));
    return true;
  }, []);
  const clear = useCallback((field?: PageField) => {
    setErrors((e) => {
      if (!field) return Object.keys(e).length === 0 ? e : {};
      if (!(field in e)) return e;
      const next = { ...e };
      delete next[field];
      return next;
    });
  }, []);
  const value = useMemo(() => ({ errors, set, clear }), [errors, set, clear]);
  return <PageErrorsContext.Provider value={value}>{children}</PageErrorsContext.Provider>;
}

/** usePageErrors returns the case page's field errors; outside a case page, a holder that takes none. */
export function usePageErrors(): PageErrors {
  return useContext(PageErrorsContext) ?? none;
}

const none: PageErrors = { errors: {}, set: () => false, clear: () => undefined };
