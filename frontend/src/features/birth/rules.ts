// The server's format rules of a birth intake (domain/birth/rules.go), checked
// in the form too, so the clerk sees every such error at once; the server
// stays authoritative and refuses with the same texts (its reasons).
import type { Rule } from 'antd/es/form';
import { zhCN } from '../../locales/zh-CN';

/**
 * isChineseName: Chinese characters (any CJK ideograph, Extension B and
 * beyond included), with single middle dots (·) only between the parts of an
 * ethnic name (chineseName).
 */
export function isChineseName(name: string): boolean {
  return /^\p{Script=Han}+(·\p{Script=Han}+)*$/u.test(name);
}

const mobilePhone = /^1[3-9]\d{9}$/;
const landline = /^0(10|2\d|[3-9]\d{2})-?[1-9]\d{6,7}(-\d{1,6})?$/;

/** isPhone: a mobile number 1[3-9]xxxxxxxxx, or a landline with its area code, optionally hyphenated and with an extension (validPhone). */
export function isPhone(phone: string): boolean {
  return mobilePhone.test(phone) || landline.test(phone);
}

/** chineseNameRule is the form rule of isChineseName (an empty name is the required rule's). */
export const chineseNameRule: Rule = {
  validator: (_, value: unknown) =>
    typeof value === 'string' && value.trim() !== '' && !isChineseName(value.trim())
      ? Promise.reject(new Error(zhCN.birth.nameChinese))
      : Promise.resolve(),
};
