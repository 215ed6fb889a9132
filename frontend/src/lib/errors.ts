// The one place that turns a server error into what the user sees, switching
// on extensions.code (resolvers/errors.go is the server's side of this table).
// Server messages are English for developers; users get Chinese text chosen
// by code and, where the server gives one, by its stable extensions.reason.
import { CombinedGraphQLErrors, ServerError, ServerParseError } from '@apollo/client/errors';
import { zhCN } from '../locales/zh-CN';

export type ErrorOutcome =
  /** Go back to the login page. */
  | { kind: 'login'; message: string }
  /** Show message on the form field named field. */
  | { kind: 'field'; field: string; message: string }
  /** Refetch the record and tell the user it changed. */
  | { kind: 'refresh'; message: string }
  /** Show message; nothing else to do. */
  | { kind: 'message'; message: string };

export interface ServerErrorInfo {
  code: string;
  reason: string;
  field: string;
  message: string;
}

const m = zhCN.errors;

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

/** firstServerError extracts the first GraphQL error's code, reason and field, if any. */
export function firstServerError(error: unknown): ServerErrorInfo | null {
  if (!CombinedGraphQLErrors.is(error) || error.errors.length === 0) return null;
  const e = error.errors[0];
  const ext = e.extensions ?? {};
  return { code: str(ext.code), reason: str(ext.reason), field: str(ext.field), message: e.message };
}

function reasonMessage(reason: string, fallback: string): string {
  return m.reasons[reason] ?? fallback;
}

/**
 * itemFields narrows a field the server names for a whole list to the item a
 * reason is about, as "<field>.<item>": a minor correction is refused on
 * "changes", and its relation or birthplace is what the user must fix. A
 * form with that item (fieldErrorSetter matches the suffix) shows the error
 * there; one without shows it on the list.
 */
const itemFields: Record<string, Record<string, string>> = {
  changes: {
    'birth.relation': 'relation',
    'birth.relation_not_child': 'relation',
    'birth.relation_sex': 'relation',
    'birth.relation_head': 'relation',
    'birth.household_has_head': 'relation',
    'birth.birthplace': 'birthplaceDivision',
    'birth.birthplace_certificate': 'birthplaceDivision',
    'birth.name_chinese': 'formerNames',
  },
};

/** fieldOf is where an error with field and reason lands: the field, or the item of it the reason names. */
export function fieldOf(field: string, reason: string): string {
  const item = itemFields[field]?.[reason];
  return item ? `${field}.${item}` : field;
}

/** isField says whether an outcome's field is name or an item of it (fieldOf). */
export function isField(field: string, name: string): boolean {
  return field === name || field.startsWith(`${name}.`);
}

/** classifyError decides how the UI reacts to an error from an operation. */
export function classifyError(error: unknown): ErrorOutcome {
  const e = firstServerError(error);
  if (!e) {
    if (ServerError.is(error) || ServerParseError.is(error) || error instanceof TypeError) {
      return { kind: 'message', message: m.network };
    }
    return { kind: 'message', message: m.generic };
  }
  switch (e.code) {
    case 'UNAUTHENTICATED':
      return { kind: 'login', message: e.reason === 'auth.bad_credentials' ? m.badCredentials : m.unauthenticated };
    case 'BAD_USER_INPUT':
      if (e.field) return { kind: 'field', field: fieldOf(e.field, e.reason), message: reasonMessage(e.reason, m.badInput) };
      return { kind: 'message', message: reasonMessage(e.reason, m.badInput) };
    case 'CONFLICT':
    case 'INVALID_TRANSITION':
      if (e.reason === 'case.service_closed') return { kind: 'message', message: m.serviceClosed };
      // A conflict with the registers (a used or registered certificate, a key another case holds) belongs to its field.
      if (e.field && e.reason && m.reasons[e.reason]) return { kind: 'field', field: fieldOf(e.field, e.reason), message: m.reasons[e.reason] };
      // A known state conflict without a field (archives frozen after submission): reload and say why.
      return { kind: 'refresh', message: reasonMessage(e.reason, m.conflict) };
    case 'FORBIDDEN':
      switch (e.reason) {
        case 'auth.jurisdiction':
          return { kind: 'message', message: m.jurisdiction };
        case 'case.station_only':
          return { kind: 'message', message: m.stationOnly };
        case 'case.wrong_side':
          return { kind: 'message', message: m.wrongSide };
        case 'case.by_message':
          return { kind: 'message', message: m.byMessage };
        default:
          return { kind: 'message', message: reasonMessage(e.reason, m.forbidden) };
      }
    case 'NOT_FOUND':
      return { kind: 'message', message: m.notFound };
    case 'UNAVAILABLE':
      return { kind: 'message', message: m.unavailableReasons[e.reason] ?? m.unavailable };
    default:
      return { kind: 'message', message: m.generic };
  }
}

/** What applyError needs from the screen that ran the operation. */
export interface ErrorHandlers {
  /** Shows a message (antd message/notification). */
  notify: (message: string) => void;
  /** Sends the user to the login page. */
  toLogin?: () => void;
  /** Sets an error on a form field; returns false when the form has no such field. */
  setFieldError?: (field: string, message: string) => boolean;
  /** Reloads the record after a conflict. */
  refresh?: () => void;
}

/** applyError classifies error and runs the matching handler. */
export function applyError(error: unknown, h: ErrorHandlers): ErrorOutcome {
  const outcome = classifyError(error);
  switch (outcome.kind) {
    case 'login':
      h.notify(outcome.message);
      h.toLogin?.();
      break;
    case 'field':
      if (!h.setFieldError?.(outcome.field, outcome.message)) h.notify(outcome.message);
      break;
    case 'refresh':
      h.refresh?.();
      h.notify(outcome.message);
      break;
    case 'message':
      h.notify(outcome.message);
      break;
  }
  return outcome;
}
