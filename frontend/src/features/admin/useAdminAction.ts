// useAdminAction runs an administrator's mutation: success in Chinese,
// errors through lib/errors (field errors on the dialog's form, a stale
// version reloads the list).
import { App } from 'antd';
import { useNavigate } from 'react-router';
import { paths } from '../../app/paths';
import { applyError } from '../../lib/errors';

export type AdminRun = (fn: () => Promise<unknown>, success: string, setFieldError?: (field: string, message: string) => boolean) => Promise<boolean>;

export function useAdminAction(refresh: () => void): AdminRun {
  const { message } = App.useApp();
  const navigate = useNavigate();
  return async (fn, success, setFieldError) => {
    try {
      await fn();
      void message.success(success);
      return true;
    } catch (e) {
      applyError(e, {
        notify: (msg) => void message.error(msg),
        setFieldError,
        refresh,
        toLogin: () => void navigate(paths.login),
      });
      return false;
    }
  };
}
