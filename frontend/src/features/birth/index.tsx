// The BIRTH kind (新生儿出生登记) as the SPA's registry sees it (features/kinds.ts).
import { FileAddOutlined } from '@ant-design/icons';
import { zhCN } from '../../locales/zh-CN';
import type { KindModule } from '../kinds';
import { page } from '../../app/lazyPage';

const BirthIntakePage = page(() => import('./intake/BirthIntakePage'), 'BirthIntakePage');

export const birth: KindModule = {
  parts: () => import('./parts').then((m) => m.birthParts),
  intake: {
    path: '/birth/new',
    element: <BirthIntakePage />,
    menu: { label: zhCN.menu.birthIntake, icon: <FileAddOutlined /> },
    access: 'canIntake',
  },
};
