// The ID_CARD kind's part of a case (Case.details) and what its screens derive from it.
import type { CaseDetailFragment, CaseFileInfoFragment, IdCardDetailsFragment } from '../../graphql/generated/graphql';

/** idCardOf returns an ID card application's details; the registry only hands ID card cases to its components. */
export function idCardOf(c: CaseDetailFragment): IdCardDetailsFragment {
  if (c.details.__typename !== 'IdCardDetails') throw new Error(`case ${c.id} is not an ID card application`);
  return c.details;
}

/** photoFile is the case's GA 461 photo: the latest ID_PHOTO document (acceptance office) or archive (registration office). */
export function photoFile(c: Pick<CaseDetailFragment, 'documents' | 'materials'>): CaseFileInfoFragment | undefined {
  const docs = c.documents.filter((d) => d.materialCode === 'ID_PHOTO').sort((a, b) => b.revision - a.revision);
  if (docs[0]) return docs[0];
  return c.materials.find((m) => m.code === 'ID_PHOTO')?.files.at(-1);
}

/** fingerImage is the image document of the finger in slot (1 or 2), latest first. */
export function fingerImage(c: Pick<CaseDetailFragment, 'documents'>, slot: number): CaseFileInfoFragment | undefined {
  return c.documents.filter((d) => d.materialCode === `FINGERPRINT_${slot}`).sort((a, b) => b.revision - a.revision)[0];
}

/** lastFeedback is the newest quality feedback, or undefined. */
export function lastFeedback(d: IdCardDetailsFragment) {
  return d.outcome?.feedback.at(-1);
}
