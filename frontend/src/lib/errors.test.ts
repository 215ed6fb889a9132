import { describe, expect, it, vi } from 'vitest';
import { CombinedGraphQLErrors, ServerError } from '@apollo/client/errors';
import { applyError, classifyError, fieldOf, isField } from './errors';
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
    ['UNAVAILABLE', 'integration.unavailable.production', zhCN.errors.unavailableReasons['integration.unavailable.production']],
    ['FORBIDDEN', 'case.by_system', zhCN.errors.reasons['case.by_system']],
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

// The issue-11 birth rules: each reason, with the code and field the server
// sends, lands on the field the screen shows it under, in Chinese.
describe('the birth registrar rules (issue 11)', () => {
  it.each([
    // intake (field as the intake form names it)
    ['BAD_USER_INPUT', 'birth.name_chinese', 'newbornName', 'newbornName'],
    ['BAD_USER_INPUT', 'birth.name_chinese', 'declarantName', 'declarantName'],
    ['BAD_USER_INPUT', 'birth.phone', 'declarantPhone', 'declarantPhone'],
    ['BAD_USER_INPUT', 'birth.relation_not_child', 'relation', 'relation'],
    ['BAD_USER_INPUT', 'birth.relation_sex', 'relation', 'relation'],
    ['BAD_USER_INPUT', 'birth.relation_head', 'relation', 'relation'],
    ['BAD_USER_INPUT', 'birth.household_has_head', 'relation', 'relation'],
    ['BAD_USER_INPUT', 'birth.same_province', 'settleWith', 'settleWith'],
    ['BAD_USER_INPUT', 'birth.settle_with_fixed', 'settleWith', 'settleWith'],
    ['CONFLICT', 'case.key_taken', 'certificateNumber', 'certificateNumber'],
    // submission: the materials panel
    ['BAD_USER_INPUT', 'archive.materials_missing', 'materials', 'materials'],
    // settlement
    ['BAD_USER_INPUT', 'birth.name_chinese', 'name', 'name'],
    ['BAD_USER_INPUT', 'birth.sex_mismatch', 'sex', 'sex'],
    ['BAD_USER_INPUT', 'birth.birth_date_mismatch', 'birthDate', 'birthDate'],
    // minor corrections: "changes", narrowed to the item the reason is about
    ['BAD_USER_INPUT', 'birth.relation_sex', 'changes', 'changes.relation'],
    ['BAD_USER_INPUT', 'birth.relation_not_child', 'changes', 'changes.relation'],
    ['BAD_USER_INPUT', 'birth.household_has_head', 'changes', 'changes.relation'],
    ['BAD_USER_INPUT', 'birth.birthplace_certificate', 'changes', 'changes.birthplaceDivision'],
    ['BAD_USER_INPUT', 'birth.name_chinese', 'changes', 'changes.formerNames'],
    ['BAD_USER_INPUT', 'birth.not_reported', 'changes', 'changes'],
    // rejecting a major-item change
    ['BAD_USER_INPUT', 'birth.reason_required', 'reason', 'reason'],
  ])('%s %s on %s lands on %s in Chinese', (code, reason, field, landsOn) => {
    const message = zhCN.errors.reasons[reason];
    expect(message).toMatch(/[\u4e00-\u9fff]/);
    expect(classifyError(gqlError({ code, reason, field }))).toEqual({ kind: 'field', field: landsOn, message });
  });

  it('has a Chinese message without English words for every reason', () => {
    for (const [reason, message] of Object.entries(zhCN.errors.reasons)) {
      expect(message, reason).toMatch(/[\u4e00-\u9fff]/);
      const english = (message.match(/\b[A-Za-z_]{4,}\b/g) ?? []).filter((w) => !['JPEG'].includes(w));
      expect(english, reason).toEqual([]);
    }
  });

  it('reloads a case whose archives froze, saying why (no field)', () => {
    expect(classifyError(gqlError({ code: 'INVALID_TRANSITION', reason: 'archive.case_frozen' }))).toEqual({
      kind: 'refresh',
      message: zhCN.errors.reasons['archive.case_frozen'],
    });
    expect(classifyError(gqlError({ code: 'CONFLICT', reason: 'archive.case_frozen' })).message).toBe('材料已随申请提交，不能再采集或修改');
  });

  it('narrows only the list fields it knows', () => {
    expect(fieldOf('changes', 'birth.relation_head')).toBe('changes.relation');
    expect(fieldOf('changes', 'birth.major_item')).toBe('changes');
    expect(fieldOf('relation', 'birth.relation_head')).toBe('relation');
    expect(isField('changes.relation', 'changes')).toBe(true);
    expect(isField('changes', 'changes')).toBe(true);
    expect(isField('changesX', 'changes')).toBe(false);
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
