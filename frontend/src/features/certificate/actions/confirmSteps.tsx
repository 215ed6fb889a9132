// Certificate steps without input: each asks for confirmation, then runs its mutation.
import { useMutation } from '@apollo/client/react';
import {
  CloseMatterCertificateDocument,
  SubmitMatterCertificateDocument,
} from '../../../graphql/generated/graphql';
import { zhCN } from '../../../locales/zh-CN';
import { ConfirmStep, stepInput, type StepProps } from '../../case/steps';

const t = zhCN.certificate;

/** SubmitStep sends the application with its archives to the registration office (1.1.7, 1.4.3). */
export function SubmitStep({ c, ...p }: StepProps) {
  const [submit] = useMutation(SubmitMatterCertificateDocument);
  return <ConfirmStep {...p} title={t.submitConfirmTitle} content={t.submitConfirmBody} onOk={() => submit({ variables: { input: stepInput(c) } })} />;
}

/** CloseStep closes an application the registration office could not verify (2.1.3). */
export function CloseStep({ c, ...p }: StepProps) {
  const [close] = useMutation(CloseMatterCertificateDocument);
  return <ConfirmStep {...p} title={t.closeTitle} content={t.closeBody} onOk={() => close({ variables: { input: stepInput(c) } })} />;
}
