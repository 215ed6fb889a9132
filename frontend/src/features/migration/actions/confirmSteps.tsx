// Migration steps without input: each asks for confirmation, then runs its mutation.
import { useMutation } from '@apollo/client/react';
import { CloseRefusedMigrationDocument, SubmitMigrationDocument } from '../../../graphql/generated/graphql';
import { zhCN } from '../../../locales/zh-CN';
import { ConfirmStep, stepInput, type StepProps } from '../../case/steps';

const t = zhCN.migration;

/** SubmitStep submits the application to the move-out office; nothing can change afterwards (1.1.4). */
export function SubmitStep({ c, ...p }: StepProps) {
  const [submit] = useMutation(SubmitMigrationDocument);
  return (
    <ConfirmStep {...p} title={t.submitConfirmTitle} content={t.submitConfirmBody}
      onOk={() => submit({ variables: { input: stepInput(c) } })} />
  );
}

/** CloseRefusedStep closes a refused migration at the acceptance office (1.3.7). */
export function CloseRefusedStep({ c, ...p }: StepProps) {
  const [close] = useMutation(CloseRefusedMigrationDocument);
  return (
    <ConfirmStep {...p} title={t.closeConfirmTitle} content={t.closeConfirmBody}
      onOk={() => close({ variables: { input: stepInput(c) } })} />
  );
}
