// The MIGRATION kind (户口迁移) as the SPA's registry sees it (features/kinds.ts).
import { SwapOutlined } from '@ant-design/icons';
import { zhCN } from '../../locales/zh-CN';
import type { KindModule } from '../kinds';
import { page } from '../../app/lazyPage';

const MigrationIntakePage = page(() => import('./intake/MigrationIntakePage'), 'MigrationIntakePage');

export const migration: KindModule = {
  parts: () => import('./parts').then((m) => m.migrationParts),
  intake: {
    path: '/migration/new',
    element: <MigrationIntakePage />,
    menu: { label: zhCN.menu.migrationIntake, icon: <SwapOutlined /> },
    access: 'canIntake',
  },
};
