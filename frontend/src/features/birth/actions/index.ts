// Every step a user takes on a birth registration, by the name availableActions
// uses. The type makes the list complete: a new user step in the schema does not
// compile until it has a component here.
import type { ComponentType } from 'react';
import type { CaseActionName, CaseDetailFragment } from '../../../graphql/generated/graphql';
import type { StepProps } from '../../case/steps';
import { ApproveStep } from './ApproveStep';
import { ApproveMajorChangeStep, CloseRefusedStep, FileStep, ResendFormStep, SubmitStep } from './confirmSteps';
import { CorrectMinorStep } from './CorrectMinorStep';
import { ModifyStep } from './ModifyStep';
import { PrintStep } from './PrintStep';
import { RefuseStep } from './RefuseStep';
import { RejectMajorChangeStep } from './RejectMajorChangeStep';
import { ReportErrorsStep } from './ReportErrorsStep';
import { RequestMajorChangeStep } from './RequestMajorChangeStep';
import { ReturnSignedStep } from './ReturnSignedStep';
import { SettleStep } from './SettleStep';

type BirthStep = Extract<CaseActionName, `${string}BIRTH${string}`>;

/** BirthUserStep is a step a user takes; BIRTH_… steps are taken by the other office's messages, START_… creates the case. */
export type BirthUserStep = Exclude<BirthStep, `BIRTH_${string}` | 'START_BIRTH_REGISTRATION'>;

export const birthSteps = {
  MODIFY_BIRTH_REGISTRATION: ModifyStep,
  SUBMIT_BIRTH_REGISTRATION: SubmitStep,
  APPROVE_BIRTH_REGISTRATION: ApproveStep,
  REFUSE_BIRTH_REGISTRATION: RefuseStep,
  SETTLE_BIRTH_REGISTRATION: SettleStep,
  CLOSE_REFUSED_BIRTH_REGISTRATION: CloseRefusedStep,
  PRINT_BIRTH_FORM: PrintStep,
  REPORT_BIRTH_ERRORS: ReportErrorsStep,
  RETURN_SIGNED_BIRTH_FORM: ReturnSignedStep,
  CORRECT_BIRTH_MINOR: CorrectMinorStep,
  REQUEST_BIRTH_MAJOR_CHANGE: RequestMajorChangeStep,
  APPROVE_BIRTH_MAJOR_CHANGE: ApproveMajorChangeStep,
  REJECT_BIRTH_MAJOR_CHANGE: RejectMajorChangeStep,
  RESEND_BIRTH_FORM: ResendFormStep,
  FILE_BIRTH_REGISTRATION: FileStep,
} satisfies Record<BirthUserStep, ComponentType<StepProps>>;

/** The steps that move the case on; one of them is the primary button. */
const forward: readonly CaseActionName[] = [
  'SUBMIT_BIRTH_REGISTRATION',
  'APPROVE_BIRTH_REGISTRATION',
  'SETTLE_BIRTH_REGISTRATION',
  'PRINT_BIRTH_FORM',
  'RETURN_SIGNED_BIRTH_FORM',
  'RESEND_BIRTH_FORM',
  'APPROVE_BIRTH_MAJOR_CHANGE',
  'FILE_BIRTH_REGISTRATION',
];

/** mainBirthStep is the next step: printing again is secondary once the signed form can be returned. */
export function mainBirthStep(c: Pick<CaseDetailFragment, 'availableActions'>): CaseActionName | undefined {
  const a = c.availableActions;
  return a.find((s) => forward.includes(s) && !(s === 'PRINT_BIRTH_FORM' && a.includes('RETURN_SIGNED_BIRTH_FORM')));
}
