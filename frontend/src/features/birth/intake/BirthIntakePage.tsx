import { Typography } from 'antd';
import { useIntakeDone } from '../../intake/IntakeDraft';
import { paths } from '../../../app/paths';
import { zhCN } from '../../../locales/zh-CN';
import { BirthIntakeWizard } from './BirthIntakeWizard';

/** BirthIntakePage is the acceptance office's birth registration intake (1.1.1, 1.4.11: saving opens the case to capture the materials). */
export function BirthIntakePage() {
  const done = useIntakeDone(); // the draft goes; capture comes next (1.4.11)
  return (
    <div className="hukou-page" style={{ maxWidth: 1240 }}>
      <Typography.Title level={2} style={{ marginBottom: 4 }}>
        {zhCN.birth.title}
      </Typography.Title>
      <Typography.Paragraph type="secondary">{zhCN.birth.subtitle}</Typography.Paragraph>
      <BirthIntakeWizard onCreated={(c) => done(paths.caseMaterials(c.id))} />
    </div>
  );
}
