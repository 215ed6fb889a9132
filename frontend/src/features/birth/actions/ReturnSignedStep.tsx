import { useState } from 'react';
import { Button, Form, Space, Typography } from 'antd';
import { CameraOutlined, FolderOpenOutlined } from '@ant-design/icons';
import { ReturnSignedBirthFormDocument } from '../../../graphql/generated/graphql';
import { useSessionStore } from '../../../app/context';
import { uploadMutation } from '../../../lib/upload';
import { zhCN } from '../../../locales/zh-CN';
import { formatBytes } from '../../archive/imageEdit';
import { DialogStep, StepModal, type StepDialogProps, type StepProps } from '../../case/steps';

const t = zhCN.modals;

function ReturnSignedDialog({ c, action, run, close, refresh }: StepDialogProps) {
  const store = useSessionStore();
  const [signed, setSigned] = useState<File | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [uploading, setUploading] = useState(false);
  const choose = (f: File | undefined) => {
    setSigned(f ?? null);
    setError(null);
  };

  const upload = async () => {
    if (!signed) {
      setError(t.signedFileRequired);
      return;
    }
    setUploading(true);
    await run(
      async () => {
        await uploadMutation(ReturnSignedBirthFormDocument, { input: { id: c.id, version: c.version, file: signed } }, store.get()?.accessToken);
        refresh();
      },
      (field, msg) => (field === 'file' || field.endsWith('.file') ? (setError(msg), true) : false),
    );
    setUploading(false);
  };

  return (
    <StepModal action={action} title={t.returnSignedTitle} loading={uploading} onCancel={close} onOk={() => void upload()}>
      <Typography.Paragraph type="secondary">{t.returnSignedHint}</Typography.Paragraph>
      <Form layout="vertical">
        <Form.Item label={t.signedFile} required validateStatus={error ? 'error' : undefined} help={error ?? undefined}>
          <Space wrap>
            <Button icon={<FolderOpenOutlined />} onClick={() => document.getElementById('signed-file')?.click()}>
              {t.chooseFile}
            </Button>
            <Button icon={<CameraOutlined />} onClick={() => document.getElementById('signed-camera')?.click()}>
              {t.takePhoto}
            </Button>
            {signed && <Typography.Text>{`${signed.name}（${formatBytes(signed.size)}）`}</Typography.Text>}
          </Space>
          <input id="signed-file" data-testid="signed-file" type="file" accept="image/jpeg,image/png,application/pdf"
            style={{ display: 'none' }} onChange={(e) => choose(e.target.files?.[0])} />
          <input id="signed-camera" type="file" accept="image/*" capture="environment" style={{ display: 'none' }}
            onChange={(e) => choose(e.target.files?.[0])} />
        </Form.Item>
      </Form>
    </StepModal>
  );
}

/** ReturnSignedStep sends the image of the form the applicant signed, from a file or the camera (1.3.4). */
export function ReturnSignedStep(p: StepProps) {
  return <DialogStep {...p} dialog={(d) => <ReturnSignedDialog {...d} />} />;
}
