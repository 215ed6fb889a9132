// A Checkbox.Group as a form field, named for assistive technology. antd
// renders the group as a plain div and Form.Item gives it aria-required,
// which no role of a set of checkboxes allows (axe aria-allowed-attr): the
// group takes role="group" and a name instead, and the required mark and the
// error message say that a choice is needed.
import { Checkbox } from 'antd';
import type { GetProps } from 'antd';

type Props = GetProps<typeof Checkbox.Group> & { label: string; 'aria-required'?: unknown };

/** CheckboxGroupField is <Checkbox.Group> with role="group", aria-label={label}, and without aria-required. */
export function CheckboxGroupField({ label, ...props }: Props) {
  const { 'aria-required': required, ...rest } = props;
  void required;
  const a11y: Record<string, string> = { role: 'group', 'aria-label': label };
  return <Checkbox.Group {...a11y} {...rest} />;
}
