// The INFO_CERT and MATTER_CERT kinds (户籍类证明) as the SPA's registry sees
// them (features/kinds.ts), and the public verification page.
import { FileProtectOutlined, FileSearchOutlined } from '@ant-design/icons';
import { zhCN } from '../../locales/zh-CN';
import type { KindModule } from '../kinds';
import { page } from '../../app/lazyPage';
import { infoIntakePath, matterIntakePath, verifyCertificatePath } from './paths';

const InfoIntakePage = page(() => import('./intake/InfoIntakePage'), 'InfoIntakePage');
const MatterIntakePage = page(() => import('./intake/MatterIntakePage'), 'MatterIntakePage');
const VerifyCertificatePage = page(() => import('./VerifyCertificatePage'), 'VerifyCertificatePage');

const verifyPage = { path: verifyCertificatePath, element: <VerifyCertificatePage /> };

export const infoCertificate: KindModule = {
  parts: () => import('./parts').then((m) => m.infoCertificateParts),
  intake: {
    path: infoIntakePath,
    element: <InfoIntakePage />,
    menu: { label: zhCN.menu.infoCertificateIntake, icon: <FileSearchOutlined /> },
    access: 'canIntake',
  },
  publicPage: verifyPage,
};

export const matterCertificate: KindModule = {
  parts: () => import('./parts').then((m) => m.matterCertificateParts),
  intake: {
    path: matterIntakePath,
    element: <MatterIntakePage />,
    menu: { label: zhCN.menu.matterCertificateIntake, icon: <FileProtectOutlined /> },
    access: 'canIntake',
  },
};
