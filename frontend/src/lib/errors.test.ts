import { describe, expect, it, vi } from 'vitest';
import { CombinedGraphQLErrors, ServerError } from '@apollo/client/errors';
import { applyError, classifyError } from './errors';
import { zhCN } from '../locales/zh-CN';

function gqlError(extensions: Record<string, unknown>, message = 'server message in English') {
  return new CombinedGraphQLErrors({ data: null, errors: [{ message, extensions }] });
}

describe('classifyError', () => {
  it('sends UNAUTHENTICATED to the login page', () => {
    expect(classifyError(gqlError({ code: 'UNAUTHENTICATED', reason: 'auth.token_invalid' }))).toEqual({
      kind: 'login',
      message: zhCN.errors.unauthenticated,
    });
  });
  it('says wrong username or password for bad credentials', () => {
    expect(classifyError(gqlError({ code: 'UNAUTHENTICATED', reason: 'auth.bad_credentials' })).message).toBe('用户名或密码错误');
  });
  it('puts BAD_USER_INPUT with a field on that field, in Chinese by reason', () => {
    expect(
      classifyError(gqlError({ code: 'BAD_USER_INPUT', field: 'declarantIdNumber', reason: 'id_number.check_digit' })),
    ).toEqual({ kind: 'field', field: 'declarantIdNumber', message: zhCN.errors.reasons['id_number.check_digit'] });
  });
  it('never shows the English server message for an unknown reason', () => {
    const o = classifyError(gqlError({ code: 'BAD_USER_INPUT', field: 'x', reason: 'something.new' }));
    expect(o).toEqual({ kind: 'field', field: 'x', message: zhCN.errors.badInput });
  });
  it('refreshes on CONFLICT (stale version or invalid transition)', () => {
    expect(classifyError(gqlError({ code: 'CONFLICT', reason: 'case.stale' })).kind).toBe('refresh');
    expect(classifyError(gqlError({ code: 'INVALID_TRANSITION' })).kind).toBe('refresh');
  });
  it.each([
    ['FORBIDDEN', '', zhCN.errors.forbidden],
    ['FORBIDDEN', 'auth.jurisdiction', zhCN.errors.jurisdiction],
    ['FORBIDDEN', 'case.station_only', zhCN.errors.stationOnly],
    ['NOT_FOUND', 'not_found', zhCN.errors.notFound],
    ['UNAVAILABLE', '', zhCN.errors.unavailable],
    ['INTERNAL', '', zhCN.errors.generic],
    ['SOMETHING_ELSE', '', zhCN.errors.generic],
  ])('shows %s (%s) as a clear Chinese message', (code, reason, message) => {
    expect(classifyError(gqlError({ code, reason }))).toEqual({ kind: 'message', message });
  });
  it('reports network failures as such', () => {
    const e = new ServerError('bad gateway', { response: new Response('', { status: 502 }), bodyText: '' });
    expect(classifyError(e)).toEqual({ kind: 'message', message: zhCN.errors.network });
    expect(classifyError(new TypeError('Failed to fetch')).message).toBe(zhCN.errors.network);
  });
  it('falls back to the generic message for anything else', () => {
    expect(classifyError('boom')).toEqual({ kind: 'message', message: zhCN.errors.generic });
  });
});

describe('applyError', () => {
  it('notifies when the form has no such field', () => {
    const notify = vi.fn();
    applyError(gqlError({ code: 'BAD_USER_INPUT', field: 'body', reason: 'birth.form_body' }), {
      notify,
      setFieldError: () => false,
    });
    expect(notify).toHaveBeenCalledWith(zhCN.errors.badInput);
  });
  it('refreshes and notifies on conflict', () => {
    const notify = vi.fn();
    const refresh = vi.fn();
    applyError(gqlError({ code: 'CONFLICT', reason: 'case.stale' }), { notify, refresh });
    expect(refresh).toHaveBeenCalledOnce();
    expect(notify).toHaveBeenCalledWith(zhCN.errors.conflict);
  });
  it('goes to login on UNAUTHENTICATED', () => {
    const toLogin = vi.fn();
    applyError(gqlError({ code: 'UNAUTHENTICATED' }), { notify: vi.fn(), toLogin });
    expect(toLogin).toHaveBeenCalledOnce();
  });
});
