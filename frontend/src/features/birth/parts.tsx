// The BIRTH kind's case-page parts (features/kinds.ts KindParts), loaded with the case page.
import type { KindParts } from '../kinds';
import { birthSteps, mainBirthStep } from './actions';
import { BirthDetail } from './BirthDetail';

export const birthParts: KindParts = { Detail: BirthDetail, steps: birthSteps, mainStep: mainBirthStep };
