import { useState } from 'react';
import { App, Button } from 'antd';
import { PrinterOutlined } from '@ant-design/icons';
import { useApolloClient, useMutation } from '@apollo/client/react';
import { PrintAcceptanceReceiptDocument, type CaseDetailFragment } from '../../graphql/generated/graphql';
import { useSessionStore } from '../../app/context';
import { useSession } from '../../app/session';
import { accessFor } from '../../lib/access';
import { classifyError } from '../../lib/errors';
import { fileLink, openForPrint } from '../../lib/files';
import { zhCN } from '../../locales/zh-CN';

const t = zhCN.counter;

/**
 * ReceiptButton prints the acceptance receipt (受理回执) of any kind's case for the applicant (issue 19 item 5): the
 * server renders and seals it and keeps it among the case's documents; it opens for printing. Shown to the counter
 * (CLERK) on the acceptance office's copy; the server decides the rest.
 */
export function ReceiptButton({ c, onPrinted }: { c: CaseDetailFragment; onPrinted?: () => unknown }) {
  const session = useSession(useSessionStore());
  const { message } = App.useApp();
  const client = useApolloClient();
  const [printReceipt] = useMutation(PrintAcceptanceReceiptDocument);
  const [busy, setBusy] = useState(false);
  if (c.side !== 'ACCEPTANCE' || !accessFor(session?.user.roles ?? []).canIntake) return null;

  const print = async () => {
    // Opened while the click still counts, so no pop-up blocker stops it.
    const w = window.open('about:blank', '_blank');
    setBusy(true);
    try {
      const r = await printReceipt({ variables: { id: c.id } });
      const id = r.data?.printAcceptanceReceipt.id;
      const link = id ? await fileLink(client, id) : null;
      if (!link) {
        w?.close();
        void message.error(t.receiptOpenFailed);
        return;
      }
      void message.success(t.receiptPrinted);
      openForPrint(link.url, w);
      void onPrinted?.();
    } catch (e) {
      w?.close();
      void message.error(classifyError(e).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Button icon={<PrinterOutlined />} loading={busy} onClick={() => void print()} data-testid="print-receipt">
      {t.printReceipt}
    </Button>
  );
}
