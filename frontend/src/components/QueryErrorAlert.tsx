// The error of a page's query, in Chinese (lib/errors), with a retry button.
import { Alert, Button } from 'antd';
import { classifyError } from '../lib/errors';
import { zhCN } from '../locales/zh-CN';

export function QueryErrorAlert({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  if (!error) return null;
  return (
    <Alert
      type="error"
      showIcon
      message={classifyError(error).message}
      action={onRetry && <Button onClick={onRetry}>{zhCN.app.retry}</Button>}
      style={{ marginBottom: 16 }}
    />
  );
}
