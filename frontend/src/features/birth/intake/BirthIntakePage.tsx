import { Typography } from 'antd';
import { useNavigate } from 'react-router';
import { zhCN } from '../../locales/zh-CN';
import { BirthIntakeWizard } from './BirthIntakeWizard';

export function BirthIntakePage() {
  const navigate = useNavigate();
  return (
    <div className="hukou-page" style={{ maxWidth: 1240 }}>
      <Typography.Title level={3} style={{ marginBottom: 4 }}>
        {zhCN.birth.title}
      </Typography.Title>
      <Typography.Paragraph type="secondary">{zhCN.birth.subtitle}</Typography.Paragraph>
      <BirthIntakeWizard onCreated={(c) => navigate(`/cases/${encodeURIComponent(c.id)}`)} />
    </div>
  );
}
