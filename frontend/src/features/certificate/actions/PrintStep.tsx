import { App } from 'antd';
import { useApolloClient, useMutation } from '@apollo/client/react';
import { PrintCertificateRefusalDocument, PrintMatterCertificateDocument } from '../../../graphql/generated/graphql';
import { fileLink, openForPrint } from '../../../lib/files';
import { actionLabel, zhCN } from '../../../locales/zh-CN';
import { StepButton, stepInput, useRunStep, type StepProps } from '../../case/steps';
import { issuedDocument, type CertificateDocument } from '../print';

const t = zhCN.certificate;

/**
 * PrintStep issues the matter certificate (TRUE) or the refusal to certify
 * (NOT_TRUE) and opens the rendered PDF for printing (2.2.8). The window is
 * opened while the click still counts, so no pop-up blocker stops it.
 */
function PrintIssued({ c, action, main, onRefresh, refusal }: StepProps & { refusal: boolean }) {
  const { message, modal } = App.useApp();
  const client = useApolloClient();
  const [printCertificate] = useMutation(PrintMatterCertificateDocument);
  const [printRefusal] = useMutation(PrintCertificateRefusalDocument);
  const run = useRunStep(action, onRefresh);
  const kind: CertificateDocument = refusal ? 'CERTIFICATE_REFUSAL' : 'CERTIFICATE';

  const print = async () => {
    const w = window.open('about:blank', '_blank');
    let doc = null as ReturnType<typeof issuedDocument>;
    const ok = await run(async () => {
      const input = { input: stepInput(c) };
      const after = refusal ? (await printRefusal({ variables: input })).data?.printCertificateRefusal : (await printCertificate({ variables: input })).data?.printMatterCertificate;
      if (after) doc = issuedDocument(after, kind);
    });
    if (!ok || !doc) {
      w?.close();
      if (ok) void message.warning(t.noDocument);
      return;
    }
    const link = await fileLink(client, doc.id).catch(() => null);
    if (!link) {
      w?.close();
      void message.error(zhCN.modals.printOpenFailed);
      return;
    }
    openForPrint(link.url, w);
  };

  const open = () => {
    modal.confirm({
      title: refusal ? t.printRefusalTitle : t.printTitle,
      content: refusal ? t.printRefusalBody : t.printBody,
      okText: actionLabel(action),
      okButtonProps: { danger: refusal },
      cancelText: zhCN.app.cancel,
      onOk: () => print(),
    });
  };
  return <StepButton action={action} main={main} danger={refusal} onClick={open} />;
}

export function PrintStep(p: StepProps) {
  return <PrintIssued {...p} refusal={false} />;
}

export function PrintRefusalStep(p: StepProps) {
  return <PrintIssued {...p} refusal />;
}
