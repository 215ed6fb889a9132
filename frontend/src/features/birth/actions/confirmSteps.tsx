// Birth steps without input: each asks for confirmation, then runs its mutation.
import { Space } from 'antd';
import { useMutation } from '@apollo/client/react';
import {
  ApproveBirthMajorChangeDocument,
  CloseRefusedBirthRegistrationDocument,
  FileBirthRegistrationDocument,
  ResendBirthFormDocument,
  SubmitBirthRegistrationDocument,
} from '../../../graphql/generated/graphql';
import { zhCN } from '../../../locales/zh-CN';
import { ConfirmStep, stepInput, type StepProps } from '../../case/steps';
import { PendingChange } from '../BirthCorrections';
import { birthOf } from '../details';

const t = zhCN.modals;

/** SubmitStep submits the application to the registration office; nothing can change afterwards (1.1.2). */
export function SubmitStep({ c, ...p }: StepProps) {
  const [submit] = useMutation(SubmitBirthRegistrationDocument);
  return (
    <ConfirmStep {...p} title={t.submitConfirmTitle} content={t.submitConfirmBody}
      onOk={() => submit({ variables: { input: stepInput(c) } })} />
  );
}

/** CloseRefusedStep closes a refused case at the acceptance office (1.3.5). */
export function CloseRefusedStep({ c, ...p }: StepProps) {
  const [close] = useMutation(CloseRefusedBirthRegistrationDocument);
  return (
    <ConfirmStep {...p} title={t.closeConfirmTitle} content={t.closeConfirmBody}
      onOk={() => close({ variables: { input: stepInput(c) } })} />
  );
}

/** ApproveMajorChangeStep approves the pending major-item change (2.2.2). */
export function ApproveMajorChangeStep({ c, ...p }: StepProps) {
  const [approve] = useMutation(ApproveBirthMajorChangeDocument);
  const pending = birthOf(c).pendingChange;
  return (
    <ConfirmStep
      {...p}
      title={t.approveMajorConfirmTitle}
      content={
        <Space direction="vertical">
          {pending && <PendingChange change={pending} />}
          <span>{t.approveMajorConfirmBody}</span>
        </Space>
      }
      onOk={() => approve({ variables: { input: stepInput(c) } })}
    />
  );
}

/** ResendFormStep regenerates the registration form after corrections and sends it (2.2.3, 1.3.3). */
export function ResendFormStep({ c, ...p }: StepProps) {
  const [resend] = useMutation(ResendBirthFormDocument);
  return (
    <ConfirmStep {...p} title={t.resendConfirmTitle} content={t.resendConfirmBody}
      onOk={() => resend({ variables: { input: stepInput(c) } })} />
  );
}

/** FileStep files the signed form and completes the case (1.3.6). */
export function FileStep({ c, ...p }: StepProps) {
  const [file] = useMutation(FileBirthRegistrationDocument);
  return (
    <ConfirmStep {...p} title={t.fileConfirmTitle} content={t.fileConfirmBody}
      onOk={() => file({ variables: { input: stepInput(c) } })} />
  );
}
