// Every step a user takes on an ID card application, by the name
// availableActions uses. The type makes the list complete: a new user step
// in the schema does not compile until it has a component here.
import type { ComponentType } from 'react';
import type { CaseActionName, CaseDetailFragment } from '../../../graphql/generated/graphql';
import type { StepProps } from '../../case/steps';
import { CloseStep, PackageStep, WriteBackStep } from './confirmSteps';
import { CollectStep } from './CollectStep';
import { SaveProductionFeedbackStep, SaveQualityFeedbackStep, SaveReviewFeedbackStep } from './FeedbackSteps';
import { CorrectStep, ModifyStep } from './ModifyStep';
import { ApproveStep, RejectStep } from './ReviewSteps';
import { SubmitStep } from './SubmitStep';

type IdCardStep = Extract<CaseActionName, `${string}ID_CARD${string}`>;

/** IdCardUserStep is a step a user takes; ID_CARD_… steps are taken by messages or the production centre's answers, START_… creates the case. */
export type IdCardUserStep = Exclude<IdCardStep, `ID_CARD_${string}` | 'START_ID_CARD_APPLICATION'>;

export const idCardSteps = {
  MODIFY_ID_CARD_APPLICATION: ModifyStep,
  SUBMIT_ID_CARD_APPLICATION: SubmitStep,
  APPROVE_ID_CARD_APPLICATION: ApproveStep,
  REJECT_ID_CARD_APPLICATION: RejectStep,
  SAVE_ID_CARD_REVIEW_FEEDBACK: SaveReviewFeedbackStep,
  WRITE_BACK_ID_CARD_ISSUE: WriteBackStep,
  PACKAGE_ID_CARD_APPLICATION: PackageStep,
  SAVE_ID_CARD_QUALITY_FEEDBACK: SaveQualityFeedbackStep,
  CORRECT_ID_CARD_APPLICATION: CorrectStep,
  SAVE_ID_CARD_PRODUCTION_FEEDBACK: SaveProductionFeedbackStep,
  COLLECT_ID_CARD: CollectStep,
  CLOSE_ID_CARD_APPLICATION: CloseStep,
} satisfies Record<IdCardUserStep, ComponentType<StepProps>>;

/** The steps that move the case on; one of them is the primary button. */
const forward: readonly CaseActionName[] = [
  'SUBMIT_ID_CARD_APPLICATION',
  'APPROVE_ID_CARD_APPLICATION',
  'SAVE_ID_CARD_REVIEW_FEEDBACK',
  'WRITE_BACK_ID_CARD_ISSUE',
  'SAVE_ID_CARD_QUALITY_FEEDBACK',
  'PACKAGE_ID_CARD_APPLICATION',
  'SAVE_ID_CARD_PRODUCTION_FEEDBACK',
  'COLLECT_ID_CARD',
  'CLOSE_ID_CARD_APPLICATION',
];

/** mainIdCardStep is the next step. */
export function mainIdCardStep(c: Pick<CaseDetailFragment, 'availableActions'>): CaseActionName | undefined {
  return c.availableActions.find((s) => forward.includes(s));
}
