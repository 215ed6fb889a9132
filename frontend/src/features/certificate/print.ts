// The printed certificate: the PDF the server rendered when it was issued
// (documents of kind CERTIFICATE or CERTIFICATE_REFUSAL), opened for printing.
import type { CaseDetailFragment } from '../../graphql/generated/graphql';

/** Document kinds of issued certificates (domain/certificate). */
export type CertificateDocument = 'CERTIFICATE' | 'CERTIFICATE_REFUSAL';

/** issuedDocument is the case's PDF of kind, if issued. */
export function issuedDocument(c: Pick<CaseDetailFragment, 'documents'>, kind: CertificateDocument) {
  return c.documents.find((d) => d.materialCode === kind) ?? null;
}
