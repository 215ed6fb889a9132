import { App } from 'antd';
import { useApolloClient, useMutation } from '@apollo/client/react';
import { PrintBirthFormDocument } from '../../../graphql/generated/graphql';
import { fileLink, openForPrint } from '../../../lib/files';
import { actionLabel, zhCN } from '../../../locales/zh-CN';
import { StepButton, stepInput, useRunStep, type StepProps } from '../../case/steps';
import { latestForm } from '../details';

const t = zhCN.modals;

/**
 * PrintStep records that the registration form was printed for the applicant,
 * then opens its newest revision for printing (1.3.2). The window is opened
 * while the click still counts, so no pop-up blocker stops it.
 */
export function PrintStep({ c, action, main, onRefresh }: StepProps) {
  const { message, modal } = App.useApp();
  const client = useApolloClient();
  const [printForm] = useMutation(PrintBirthFormDocument);
  const run = useRunStep(action, onRefresh);

  const print = async () => {
    const w = window.open('about:blank', '_blank');
    let latest = latestForm(c);
    const ok = await run(async () => {
      const r = await printForm({ variables: { input: stepInput(c) } });
      if (r.data) latest = latestForm(r.data.printBirthForm);
    });
    if (!ok || !latest) {
      w?.close();
      if (ok) void message.warning(t.noForm);
      return;
    }
    const link = await fileLink(client, latest.id).catch(() => null);
    if (!link) {
      w?.close();
      void message.error(t.printOpenFailed);
      return;
    }
    openForPrint(link.url, w);
  };

  const open = () => {
    modal.confirm({
      title: t.printConfirmTitle,
      content: t.printConfirmBody,
      okText: actionLabel(action),
      cancelText: zhCN.app.cancel,
      onOk: () => print(),
    });
  };
  return <StepButton action={action} main={main} onClick={open} />;
}
