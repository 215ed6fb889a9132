// The MIGRATION kind's part of a case (Case.details) and what its screens derive from it.
import type { CaseDetailFragment, MigrationDetailsFragment } from '../../graphql/generated/graphql';

/** migrationOf returns a migration's details; the registry only hands migration cases to migration's components. */
export function migrationOf(c: CaseDetailFragment): MigrationDetailsFragment {
  if (c.details.__typename !== 'MigrationDetails') throw new Error(`case ${c.id} is not a migration`);
  return c.details;
}

/** isHead reports whether a GB/T 4761 relation code is the head of household (户主) or self (本人). */
export function isHead(relation: string): boolean {
  return relation === '01' || relation === '02';
}

export interface HouseholdMember {
  idNumber: string;
  name: string;
  status: string;
  relation: string;
}

/** MoveOutPlan is what the move-out screen shows: who stays, whether the head leaves, whether everyone leaves (2.2.4). */
export interface MoveOutPlan {
  staying: HouseholdMember[];
  leaving: HouseholdMember[];
  headLeaves: boolean;
  allLeave: boolean;
}

/** moveOutPlan splits the active members of the household left into those who leave and those who stay. */
export function moveOutPlan(members: readonly HouseholdMember[], movers: readonly string[]): MoveOutPlan {
  const active = members.filter((m) => m.status === 'ACTIVE');
  const leaving = active.filter((m) => movers.includes(m.idNumber));
  const staying = active.filter((m) => !movers.includes(m.idNumber));
  return { staying, leaving, headLeaves: leaving.some((m) => isHead(m.relation)), allLeave: staying.length === 0 };
}
