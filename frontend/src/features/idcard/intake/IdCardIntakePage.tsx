import { Typography } from 'antd';
import { useIntakeDone } from '../../intake/IntakeDraft';
import { paths } from '../../../app/paths';
import { zhCN } from '../../../locales/zh-CN';
import { IdCardIntakeWizard } from './IdCardIntakeWizard';

/** IdCardIntakePage is the acceptance office's off-site ID card intake (1.1.8, 1.1.9; saving opens the case to capture the materials, 1.4.5). */
export function IdCardIntakePage() {
  const done = useIntakeDone(); // the draft goes; capture comes next (1.4.11)
  return (
    <div className="hukou-page" style={{ maxWidth: 1240 }}>
      <Typography.Title level={3} style={{ marginBottom: 4 }}>
        {zhCN.idCard.title}
      </Typography.Title>
      <Typography.Paragraph type="secondary">{zhCN.idCard.subtitle}</Typography.Paragraph>
      <IdCardIntakeWizard onCreated={(c) => done(paths.caseMaterials(c.id))} />
    </div>
  );
}
