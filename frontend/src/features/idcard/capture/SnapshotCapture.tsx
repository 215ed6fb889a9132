// A photo of the handover (1.1.14): from the camera or a file, as a JPEG.
import { useRef, useState } from 'react';
import { Alert, Button, Space } from 'antd';
import { CameraOutlined, FolderOpenOutlined, StopOutlined } from '@ant-design/icons';
import { zhCN } from '../../../locales/zh-CN';
import { frameCrop, toBase64 } from '../rules';
import { jpeg, snapshot, useCamera } from './camera';

const t = zhCN.idCard;

export interface Snapshot {
  base64: string;
  url: string;
}

export function SnapshotCapture({ value, onChange }: { value: Snapshot | null; onChange: (s: Snapshot) => void }) {
  const { video, streaming, failed, start, stop } = useCamera();
  const file = useRef<HTMLInputElement>(null);
  const [busy, setBusy] = useState(false);
  const take = async (blob: Blob) => {
    setBusy(true);
    try {
      onChange({ base64: await toBase64(blob), url: URL.createObjectURL(blob) });
    } finally {
      setBusy(false);
    }
  };
  const shoot = async () => {
    const v = video.current;
    if (!v || !v.videoWidth) return;
    const out = { width: 640, height: 480 };
    const canvas = snapshot(v, frameCrop({ width: v.videoWidth, height: v.videoHeight }, out), out);
    const blob = await jpeg(canvas, 0.85);
    stop();
    await take(blob);
  };
  return (
    <Space align="start" data-testid="snapshot-capture" wrap>
      <div style={{ width: 200, aspectRatio: '4 / 3', background: '#f5f5f5', border: '1px solid #d9d9d9' }}>
        {streaming ? (
          <video ref={video} muted playsInline style={{ width: '100%', height: '100%', objectFit: 'cover' }} />
        ) : value ? (
          <img src={value.url} alt={t.livePhoto} style={{ width: '100%', height: '100%', objectFit: 'cover' }} />
        ) : null}
      </div>
      <Space direction="vertical">
        {streaming ? (
          <Space>
            <Button type="primary" icon={<CameraOutlined />} loading={busy} onClick={() => void shoot()}>
              {t.shoot}
            </Button>
            <Button icon={<StopOutlined />} onClick={stop}>
              {t.cameraStop}
            </Button>
          </Space>
        ) : (
          <Space wrap>
            <Button icon={<CameraOutlined />} onClick={() => void start()}>
              {t.camera}
            </Button>
            <Button icon={<FolderOpenOutlined />} onClick={() => file.current?.click()}>
              {t.chooseFile}
            </Button>
          </Space>
        )}
        <input ref={file} type="file" accept="image/jpeg" data-testid="snapshot-file" style={{ display: 'none' }}
          onChange={(e) => { const f = e.target.files?.[0]; if (f) void take(f); e.target.value = ''; }} />
        {failed && <Alert type="warning" showIcon message={t.cameraUnavailable} />}
      </Space>
    </Space>
  );
}
