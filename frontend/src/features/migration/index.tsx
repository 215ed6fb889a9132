// The MIGRATION kind (户口迁移) as the SPA's registry sees it (features/kinds.ts).
import { SwapOutlined } from '@ant-design/icons';
import { zhCN } from '../../locales/zh-CN';
import type { KindModule } from '../kinds';
import { mainMigrationStep, migrationSteps } from './actions';
import { MigrationDetail } from './MigrationDetail';
import { MigrationIntakePage } from './intake/MigrationIntakePage';

export const migration: KindModule = {
  Detail: MigrationDetail,
  steps: migrationSteps,
  mainStep: mainMigrationStep,
  intake: {
    path: '/migration/new',
    element: <MigrationIntakePage />,
    menu: { label: zhCN.menu.migrationIntake, icon: <SwapOutlined /> },
    access: 'canIntake',
  },
};
