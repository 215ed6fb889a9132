import { describe, expect, it } from 'vitest';
import { isChineseName, isPhone } from './rules';

describe('the intake format rules (as domain/birth/rules.go)', () => {
  it.each([
    ['陈晓明', true],
    ['阿依古丽·买买提', true],
    ['𠀀𠀁', true], // Extension B
    ['Tom123', false],
    ['陈 明', false],
    ['·陈明', false],
    ['陈明·', false],
    ['陈··明', false],
    ['陈明1', false],
  ])('name %s → %s', (name, ok) => {
    expect(isChineseName(name)).toBe(ok);
  });

  it.each([
    ['13800000000', true],
    ['19912345678', true],
    ['0311-86681234', true],
    ['031186681234', true],
    ['010-12345678', true],
    ['0311-86681234-123', true],
    ['abc', false],
    ['12800000000', false],
    ['1380000000', false],
    ['0311-06681234', false],
  ])('phone %s → %s', (phone, ok) => {
    expect(isPhone(phone)).toBe(ok);
  });
});
