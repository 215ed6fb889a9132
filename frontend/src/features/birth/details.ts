// The BIRTH kind's part of a case (Case.details) and what its screens derive from it.
import type { BirthDetailsFragment, CaseDetailFragment } from '../../graphql/generated/graphql';

/** birthOf returns a birth registration's details; the registry only hands birth cases to birth's components. */
export function birthOf(c: CaseDetailFragment): BirthDetailsFragment {
  if (c.details.__typename !== 'BirthDetails') throw new Error(`case ${c.id} is not a birth registration`);
  return c.details;
}

/** latestForm is the newest revision of the registration form (常表) among the case's documents (1.3.1, 1.3.3). */
export function latestForm(c: Pick<CaseDetailFragment, 'documents'>) {
  const forms = c.documents.filter((d) => d.materialCode === 'REGISTRATION_FORM');
  return forms.reduce<(typeof forms)[number] | null>((a, d) => (!a || d.revision > a.revision ? d : a), null);
}
