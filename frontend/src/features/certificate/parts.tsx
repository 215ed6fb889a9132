// The certificate kinds' case-page parts (features/kinds.ts KindParts), loaded with the case page.
import type { KindParts } from '../kinds';
import { infoSteps, mainMatterStep, matterSteps } from './actions';
import { InfoCertificateDetail, MatterCertificateDetail } from './CertificateDetail';

export const infoCertificateParts: KindParts = { Detail: InfoCertificateDetail, steps: infoSteps, mainStep: () => undefined };

export const matterCertificateParts: KindParts = { Detail: MatterCertificateDetail, steps: matterSteps, mainStep: mainMatterStep };
