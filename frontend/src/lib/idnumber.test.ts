import { describe, expect, it } from 'vitest';
import { checkDigit, validateIdNumber } from './idnumber';

const now = new Date(2026, 10, 25);

describe('checkDigit', () => {
  it('computes ISO 7064 MOD 11-2 as GB 11643 defines it', () => {
    expect(checkDigit('11010519491231002')).toBe('X');
    expect(checkDigit('44052418800101001')).toBe('4');
    expect(checkDigit('21110020000101001')).toBe(checkDigit('21110020000101001'));
  });
  it('rejects anything but 17 digits', () => {
    expect(() => checkDigit('123')).toThrow();
  });
});

describe('validateIdNumber', () => {
  it('accepts a valid number and normalises a lower-case x', () => {
    const r = validateIdNumber('11010519491231002x', now);
    expect(r).toEqual({ ok: true, number: '11010519491231002X', birthDate: '1949-12-31', male: false });
  });
  it.each([
    ['', 'id_number.length'],
    ['110105194912310', 'id_number.length'],
    ['1101051949123100', 'id_number.length'],
    ['11010519491231002A', 'id_number.characters'],
    ['1101051949123100２X', 'id_number.characters'],
    ['99010519491231002X', 'id_number.division'],
    ['110105194902300021', 'id_number.birth_date'],
    ['110105189912310021', 'id_number.birth_date'],
    ['110105203001010021', 'id_number.future_birth_date'],
    ['110105194912310021', 'id_number.check_digit'],
  ])('rejects %s with %s', (input, reason) => {
    const r = validateIdNumber(input, now);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.reason).toBe(reason);
      expect(r.message).toMatch(/[\u4e00-\u9fa5]/);
    }
  });
  it('mentions upgrading for an old 15-digit number', () => {
    const r = validateIdNumber('110105491231002', now);
    expect(r.ok || r.message).toContain('15 位');
  });
  it('accepts every check digit it computes', () => {
    for (let seq = 0; seq < 200; seq++) {
      const first17 = `21110020000101${String(seq).padStart(3, '0')}`;
      expect(validateIdNumber(first17 + checkDigit(first17), now).ok).toBe(true);
    }
  });
});
