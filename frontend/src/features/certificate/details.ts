// The INFO_CERT and MATTER_CERT kinds' part of a case (Case.details).
import type { CaseDetailFragment, InfoCertificateDetailsFragment, MatterCertificateDetailsFragment } from '../../graphql/generated/graphql';

/** matterOf returns a matter certificate's details; the registry only hands MATTER_CERT cases to its components. */
export function matterOf(c: CaseDetailFragment): MatterCertificateDetailsFragment {
  if (c.details.__typename !== 'MatterCertificateDetails') throw new Error(`case ${c.id} is not a matter certificate`);
  return c.details;
}

/** infoOf returns an information certificate's details. */
export function infoOf(c: CaseDetailFragment): InfoCertificateDetailsFragment {
  if (c.details.__typename !== 'InfoCertificateDetails') throw new Error(`case ${c.id} is not an information certificate`);
  return c.details;
}
