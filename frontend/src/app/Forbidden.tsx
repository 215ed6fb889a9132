// Forbidden is the page a signed-in user sees at an address their roles do not open. It loads on first use:
// antd's Result carries its illustrations, which the sign-in screen does not need (19 item 7).
import { Button, Result } from 'antd';
import { useNavigate } from 'react-router';
import { zhCN } from '../locales/zh-CN';
import { paths } from './paths';

/** Forbidden says the page is not open to the user, with a way back to the workbench unless they are there. */
export function Forbidden({ atWorkbench }: { atWorkbench: boolean }) {
  const navigate = useNavigate();
  return (
    <Result
      status="403"
      title={zhCN.app.forbidden}
      extra={!atWorkbench && <Button onClick={() => void navigate(paths.workbench)}>{zhCN.app.home}</Button>}
    />
  );
}
