// Every step a user takes on a certificate, by the name availableActions uses.
// The types make the lists complete: a new user step in the schema does not
// compile until it has a component here.
import type { ComponentType } from 'react';
import type { CaseActionName, CaseDetailFragment } from '../../../graphql/generated/graphql';
import type { StepProps } from '../../case/steps';
import { CloseStep, SubmitStep } from './confirmSteps';
import { PrintRefusalStep, PrintStep } from './PrintStep';
import { ModifyStep, RevokeStep, RouteStep, VerifyNoResultStep, VerifyNotTrueStep, VerifyTrueStep } from './dialogSteps';

/** MatterUserStep is a step a user takes on a matter certificate; MATTER_… steps come by message, START_… creates the case. */
export type MatterUserStep =
  | Exclude<Extract<CaseActionName, `${string}MATTER${string}`>, `MATTER_${string}` | 'START_MATTER_CERTIFICATE'>
  | 'PRINT_CERTIFICATE_REFUSAL';

/** InfoUserStep is a step a user takes on an information certificate (ISSUE_… creates it). */
export type InfoUserStep = Exclude<Extract<CaseActionName, `${string}INFORMATION_CERTIFICATE`>, 'ISSUE_INFORMATION_CERTIFICATE'>;

export const matterSteps = {
  MODIFY_MATTER_CERTIFICATE: ModifyStep,
  SUBMIT_MATTER_CERTIFICATE: SubmitStep,
  ROUTE_MATTER_CERTIFICATE: RouteStep,
  VERIFY_MATTER_TRUE: VerifyTrueStep,
  VERIFY_MATTER_NOT_TRUE: VerifyNotTrueStep,
  VERIFY_MATTER_NO_RESULT: VerifyNoResultStep,
  PRINT_MATTER_CERTIFICATE: PrintStep,
  PRINT_CERTIFICATE_REFUSAL: PrintRefusalStep,
  CLOSE_MATTER_CERTIFICATE: CloseStep,
  REVOKE_MATTER_CERTIFICATE: RevokeStep,
} satisfies Record<MatterUserStep, ComponentType<StepProps>>;

export const infoSteps = {
  REVOKE_INFORMATION_CERTIFICATE: RevokeStep,
} satisfies Record<InfoUserStep, ComponentType<StepProps>>;

/** The steps that move a matter certificate on; one of them is the primary button. */
const forward: readonly CaseActionName[] = [
  'SUBMIT_MATTER_CERTIFICATE',
  'VERIFY_MATTER_TRUE',
  'PRINT_MATTER_CERTIFICATE',
  'PRINT_CERTIFICATE_REFUSAL',
  'CLOSE_MATTER_CERTIFICATE',
];

/** mainMatterStep is the next step. */
export function mainMatterStep(c: Pick<CaseDetailFragment, 'availableActions'>): CaseActionName | undefined {
  return c.availableActions.find((s) => forward.includes(s));
}
