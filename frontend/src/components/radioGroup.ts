// antd renders Radio.Group as a plain div: without a role, the aria-required
// that Form.Item adds is not allowed (axe aria-allowed-attr) and a screen
// reader hears loose radios. Its props type omits role, though the component
// passes it through.
import type { RadioGroupProps } from 'antd';

/** radioGroup makes a Radio.Group a named radiogroup: <Radio.Group {...radioGroup(label)} …/>. */
export function radioGroup(label: string): RadioGroupProps {
  const props: Record<string, string> = { role: 'radiogroup', 'aria-label': label };
  return props;
}
