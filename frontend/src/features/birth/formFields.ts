// Fields of the registration form (常表) an error report or a correction names
// (domain/birth/correct.go): the major ones need an approver (2.2.2), the minor
// ones are corrected directly (1.3.3).
import { zhCN } from '../../locales/zh-CN';

export const majorItems = ['name', 'idNumber', 'birthDate', 'ethnicity', 'sex'] as const;
export const minorItems = ['formerNames', 'relation', 'birthplaceDivision'] as const;
export type MinorItem = (typeof minorItems)[number];

export const fieldOptions = [...majorItems, ...minorItems].map((f) => ({ value: f, label: zhCN.formFields[f] }));
export const majorOptions = majorItems.map((f) => ({ value: f, label: zhCN.formFields[f] }));
export const sexOptions = [
  { value: '1', label: zhCN.sex['1'] },
  { value: '2', label: zhCN.sex['2'] },
];

export function isMajorItem(field: string): boolean {
  return (majorItems as readonly string[]).includes(field);
}

export function isMinorItem(field: string): field is MinorItem {
  return (minorItems as readonly string[]).includes(field);
}

/** fieldValueLabel shows a form field's value in words where it is a code. */
export function fieldValueLabel(field: string, value: string): string {
  if (field === 'sex') return zhCN.sex[value] ?? value;
  return value;
}
