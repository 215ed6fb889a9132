// The GA 461 photo (1.1.8): from the camera (getUserMedia, cropped to the
// standard's 358×441 frame and encoded within the size bounds) or from a
// file, checked by the server's photo rules at once so the clerk sees the
// exact reason before anything is saved.
import { useRef, useState } from 'react';
import { Alert, Button, Space, Spin, Typography } from 'antd';
import { CameraOutlined, FolderOpenOutlined, StopOutlined } from '@ant-design/icons';
import { useApolloClient } from '@apollo/client/react';
import { CheckIdCardPhotoDocument } from '../../../graphql/generated/graphql';
import { classifyError } from '../../../lib/errors';
import { formatBytes } from '../../archive/imageEdit';
import { zhCN } from '../../../locales/zh-CN';
import { fitQuality, frameCrop, toBase64, type Size } from '../rules';
import { jpeg, snapshot, useCamera } from './camera';

const t = zhCN.idCard;

/** A photo taken or chosen: its content (base64 JPEG), size and what the server's rules said. */
export interface CapturedPhoto {
  base64: string;
  bytes: number;
  /** An object URL for the preview. */
  url: string;
  ok: boolean;
  /** The Chinese reason when the rules refused it. */
  problem?: string;
}

export interface PhotoRules {
  width: number;
  height: number;
  minBytes: number;
  maxBytes: number;
}

/** PhotoCapture takes the photo; onChange gets it once the server has checked it (null while none). */
export function PhotoCapture({ rules, value, onChange }: { rules: PhotoRules; value: CapturedPhoto | null; onChange: (p: CapturedPhoto | null) => void }) {
  const client = useApolloClient();
  const { video, streaming, failed, start, stop } = useCamera();
  const file = useRef<HTMLInputElement>(null);
  const [checking, setChecking] = useState(false);

  const check = async (blob: Blob) => {
    setChecking(true);
    const base64 = await toBase64(blob);
    const url = URL.createObjectURL(blob);
    try {
      await client.query({ query: CheckIdCardPhotoDocument, variables: { photo: base64 }, fetchPolicy: 'network-only' });
      onChange({ base64, bytes: blob.size, url, ok: true });
    } catch (e) {
      onChange({ base64, bytes: blob.size, url, ok: false, problem: classifyError(e).message });
    } finally {
      setChecking(false);
    }
  };

  const shoot = async () => {
    const v = video.current;
    if (!v || !v.videoWidth) return;
    const frame: Size = { width: rules.width, height: rules.height };
    const canvas = snapshot(v, frameCrop({ width: v.videoWidth, height: v.videoHeight }, frame), frame);
    const blob = await fitQuality((q) => jpeg(canvas, q), rules.maxBytes);
    stop();
    await check(blob);
  };

  const onFile = (f: File | undefined) => {
    if (f) void check(f);
  };

  const aspect = `${rules.width} / ${rules.height}`;
  return (
    <div data-testid="photo-capture">
      <Typography.Paragraph type="secondary">
        {t.photoHint(rules.width, rules.height, formatBytes(rules.minBytes), formatBytes(rules.maxBytes))}
      </Typography.Paragraph>
      <Space align="start" size="large" wrap>
        <div style={{ width: 240, aspectRatio: aspect, background: '#f5f5f5', border: '1px solid #d9d9d9', position: 'relative', overflow: 'hidden' }}>
          {streaming ? (
            <video ref={video} muted playsInline data-testid="photo-video" style={{ width: '100%', height: '100%', objectFit: 'cover' }} />
          ) : value ? (
            <img src={value.url} alt={t.photo} data-testid="photo-preview" style={{ width: '100%', height: '100%', objectFit: 'contain' }} />
          ) : null}
          {checking && <Spin style={{ position: 'absolute', inset: 0, margin: 'auto', height: 32 }} />}
        </div>
        <Space direction="vertical">
          {streaming ? (
            <Space>
              <Button type="primary" icon={<CameraOutlined />} onClick={() => void shoot()}>
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
          <input ref={file} type="file" accept="image/jpeg" data-testid="photo-file" style={{ display: 'none' }}
            onChange={(e) => { onFile(e.target.files?.[0]); e.target.value = ''; }} />
          {failed && <Alert type="warning" showIcon message={t.cameraUnavailable} />}
          {checking && <Typography.Text type="secondary">{t.photoChecking}</Typography.Text>}
          {value && !checking && (
            <Alert
              data-testid="photo-result"
              type={value.ok ? 'success' : 'error'}
              showIcon
              message={value.ok ? t.photoOk : `${t.photoBad}：${value.problem ?? ''}`}
              description={value.ok ? t.photoMeasured(formatBytes(value.bytes), rules.width, rules.height) : t.photoSize(formatBytes(value.bytes))}
            />
          )}
        </Space>
      </Space>
    </div>
  );
}
