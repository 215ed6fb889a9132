// Every step a user takes on a migration, by the name availableActions uses.
// The type makes the list complete: a new user step in the schema does not
// compile until it has a component here.
import type { ComponentType } from 'react';
import type { CaseActionName, CaseDetailFragment } from '../../../graphql/generated/graphql';
import type { StepProps } from '../../case/steps';
import { ApproveStep } from './ApproveStep';
import { CloseRefusedStep, SubmitStep } from './confirmSteps';
import { ModifyStep } from './ModifyStep';
import { MoveInStep } from './MoveInStep';
import { RefuseStep } from './RefuseStep';

type MigrationStep = Extract<CaseActionName, `${string}MIGRATION${string}`>;

/** MigrationUserStep is a step a user takes; MIGRATION_… steps are taken by the other office's messages, START_… creates the case. */
export type MigrationUserStep = Exclude<MigrationStep, `MIGRATION_${string}` | 'START_MIGRATION'>;

export const migrationSteps = {
  MODIFY_MIGRATION: ModifyStep,
  SUBMIT_MIGRATION: SubmitStep,
  APPROVE_MIGRATION: ApproveStep,
  REFUSE_MIGRATION: RefuseStep,
  CLOSE_REFUSED_MIGRATION: CloseRefusedStep,
  MOVE_IN_MIGRATION: MoveInStep,
} satisfies Record<MigrationUserStep, ComponentType<StepProps>>;

/** The steps that move the case on; one of them is the primary button. */
const forward: readonly CaseActionName[] = ['SUBMIT_MIGRATION', 'APPROVE_MIGRATION', 'MOVE_IN_MIGRATION', 'CLOSE_REFUSED_MIGRATION'];

/** mainMigrationStep is the next step. */
export function mainMigrationStep(c: Pick<CaseDetailFragment, 'availableActions'>): CaseActionName | undefined {
  return c.availableActions.find((s) => forward.includes(s));
}
