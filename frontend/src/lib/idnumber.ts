// Client-side GB 11643 citizen ID number check, mirroring the server's
// domain/idnumber.Validate: same order of checks (length, characters, division,
// birth date, check digit) and the same stable reasons, so the message a clerk
// sees before submitting matches the one the server would return. The server
// knows every GB/T 2260 division; the client only checks the province part.
import { zhCN } from '../locales/zh-CN';

export type IdNumberReason =
  | 'id_number.length'
  | 'id_number.characters'
  | 'id_number.division'
  | 'id_number.birth_date'
  | 'id_number.future_birth_date'
  | 'id_number.check_digit';

export type IdNumberResult =
  | { ok: true; number: string; birthDate: string; male: boolean }
  | { ok: false; reason: IdNumberReason; message: string };

const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const checkChars = '10X98765432';
const minBirthYear = 1900;

// GB/T 2260 province-level codes (first two digits).
const provinces = new Set([
  '11', '12', '13', '14', '15', '21', '22', '23', '31', '32', '33', '34', '35', '36', '37',
  '41', '42', '43', '44', '45', '46', '50', '51', '52', '53', '54', '61', '62', '63', '64', '65',
  '71', '81', '82',
]);

/** checkDigit returns the ISO 7064 MOD 11-2 check character of 17 digits. */
export function checkDigit(first17: string): string {
  if (!/^\d{17}$/.test(first17)) throw new Error('checkDigit needs 17 digits');
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * weights[i];
  return checkChars[sum % 11];
}

function fail(reason: IdNumberReason, message: string): IdNumberResult {
  return { ok: false, reason, message };
}

/** validateIdNumber checks an 18-character ID number; now decides what a future birth date is. */
export function validateIdNumber(input: string, now: Date = new Date()): IdNumberResult {
  const s = input;
  const chars = Array.from(s);
  if (chars.length !== 18) {
    if (chars.length === 15 && /^\d{15}$/.test(s)) return fail('id_number.length', zhCN.idNumber.length15);
    return fail('id_number.length', zhCN.idNumber.length);
  }
  for (let i = 0; i < 18; i++) {
    const c = chars[i];
    const digit = c >= '0' && c <= '9';
    if (!digit && !(i === 17 && (c === 'X' || c === 'x'))) {
      return fail('id_number.characters', zhCN.idNumber.characters);
    }
  }
  const number = s.slice(0, 17) + s[17].toUpperCase();
  if (!provinces.has(number.slice(0, 2))) return fail('id_number.division', zhCN.idNumber.division);

  const year = Number(number.slice(6, 10));
  const month = Number(number.slice(10, 12));
  const day = Number(number.slice(12, 14));
  const birth = new Date(Date.UTC(year, month - 1, day));
  if (
    month < 1 || month > 12 || day < 1 ||
    birth.getUTCFullYear() !== year || birth.getUTCMonth() !== month - 1 || birth.getUTCDate() !== day
  ) {
    return fail('id_number.birth_date', zhCN.idNumber.birthDate);
  }
  if (year < minBirthYear) return fail('id_number.birth_date', zhCN.idNumber.birthDate);
  const today = Date.UTC(now.getFullYear(), now.getMonth(), now.getDate());
  if (birth.getTime() > today) return fail('id_number.future_birth_date', zhCN.idNumber.futureBirthDate);

  if (checkDigit(number.slice(0, 17)) !== number[17]) return fail('id_number.check_digit', zhCN.idNumber.checkDigit);
  const seq = Number(number.slice(14, 17));
  return { ok: true, number, birthDate: `${number.slice(6, 10)}-${number.slice(10, 12)}-${number.slice(12, 14)}`, male: seq % 2 === 1 };
}
