// The ID_CARD kind's case-page parts (features/kinds.ts KindParts), loaded with the case page.
import type { KindParts } from '../kinds';
import { idCardSteps, mainIdCardStep } from './actions';
import { IdCardDetail } from './IdCardDetail';

export const idCardParts: KindParts = { Detail: IdCardDetail, steps: idCardSteps, mainStep: mainIdCardStep };
