import type { FormInstance } from 'antd';

/**
 * fieldErrorSetter returns a setter for applyError that puts a server field
 * error on the form field of the same name, when the form has one.
 */
export function fieldErrorSetter<T>(form: FormInstance<T>, fields: readonly string[]) {
  return (field: string, message: string): boolean => {
    const name = fields.find((f) => f === field || field.endsWith(`.${f}`));
    if (!name) return false;
    form.setFields([{ name: name as never, errors: [message] }]);
    form.scrollToField(name);
    return true;
  };
}
