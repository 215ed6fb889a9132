import { Typography } from 'antd';
import { useIntakeDone } from '../../intake/IntakeDraft';
import { paths } from '../../../app/paths';
import { zhCN } from '../../../locales/zh-CN';
import { MigrationIntakeWizard } from './MigrationIntakeWizard';

/** MigrationIntakePage is the move-in office's migration intake (1.1.3; saving opens the case to capture the materials, 1.4.2). */
export function MigrationIntakePage() {
  const done = useIntakeDone(); // the draft goes; capture comes next (1.4.11)
  return (
    <div className="hukou-page" style={{ maxWidth: 1240 }}>
      <Typography.Title level={2} style={{ marginBottom: 4 }}>
        {zhCN.migration.title}
      </Typography.Title>
      <Typography.Paragraph type="secondary">{zhCN.migration.subtitle}</Typography.Paragraph>
      <MigrationIntakeWizard onCreated={(c) => done(paths.caseMaterials(c.id))} />
    </div>
  );
}
