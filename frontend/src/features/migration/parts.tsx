// The MIGRATION kind's case-page parts (features/kinds.ts KindParts), loaded with the case page.
import type { KindParts } from '../kinds';
import { mainMigrationStep, migrationSteps } from './actions';
import { MigrationDetail } from './MigrationDetail';

export const migrationParts: KindParts = { Detail: MigrationDetail, steps: migrationSteps, mainStep: mainMigrationStep };
