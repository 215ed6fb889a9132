// The ID_CARD kind (居民身份证异地办理) as the SPA's registry sees it (features/kinds.ts).
import { IdcardOutlined } from '@ant-design/icons';
import { zhCN } from '../../locales/zh-CN';
import type { KindModule } from '../kinds';
import { page } from '../../app/lazyPage';

const IdCardIntakePage = page(() => import('./intake/IdCardIntakePage'), 'IdCardIntakePage');

export const idCard: KindModule = {
  parts: () => import('./parts').then((m) => m.idCardParts),
  intake: {
    path: '/id-card/new',
    element: <IdCardIntakePage />,
    menu: { label: zhCN.menu.idCardIntake, icon: <IdcardOutlined /> },
    access: 'canIntake',
  },
  // 3.1.4: a portal's online ID card application is completed in the intake, where the photo and fingers are taken.
  onlineCompletion: (id) => `/id-card/new?online=${encodeURIComponent(id)}`,
};
