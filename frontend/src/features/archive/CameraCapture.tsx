import { useCallback, useEffect, useRef, useState } from 'react';
import { Alert, Button, Select, Space, Typography } from 'antd';
import { CameraOutlined } from '@ant-design/icons';
import { zhCN } from '../../locales/zh-CN';

const t = zhCN.camera;

/** cameraError names in Chinese why the camera cannot be used (a getUserMedia error). */
export function cameraError(e: unknown): string {
  const name = e instanceof DOMException || e instanceof Error ? e.name : '';
  switch (name) {
    case 'NotAllowedError':
    case 'SecurityError':
      return t.denied;
    case 'NotFoundError':
    case 'OverconstrainedError':
      return t.none;
    case 'NotReadableError':
    case 'AbortError':
      return t.busy;
    default:
      return t.failed;
  }
}

/** frameToFile draws the video's current frame at its full resolution and encodes it as a JPEG file. */
export function frameToFile(video: HTMLVideoElement, name: string): Promise<File | null> {
  const canvas = document.createElement('canvas');
  canvas.width = video.videoWidth;
  canvas.height = video.videoHeight;
  const ctx = canvas.getContext('2d');
  if (!ctx || canvas.width === 0 || canvas.height === 0) return Promise.resolve(null);
  ctx.drawImage(video, 0, 0, canvas.width, canvas.height);
  return new Promise((resolve) => canvas.toBlob((b) => resolve(b ? new File([b], name, { type: 'image/jpeg' }) : null), 'image/jpeg', 0.92));
}

interface Props {
  /** Receives the captured frame; the editor takes it from there. */
  onCapture: (file: File) => void;
  onCancel: () => void;
}

/**
 * CameraCapture is the document camera (高拍仪, 1.4.15): document cameras are
 * UVC devices, so the browser's getUserMedia shows their live picture; the
 * clerk picks the camera, captures a frame at the camera's full resolution
 * and edits it like any image. The stream stops when the panel closes.
 */
export function CameraCapture({ onCapture, onCancel }: Props) {
  const video = useRef<HTMLVideoElement>(null);
  const [stream, setStream] = useState<MediaStream | null>(null);
  const [devices, setDevices] = useState<MediaDeviceInfo[]>([]);
  const [deviceId, setDeviceId] = useState<string | undefined>(undefined);
  const [error, setError] = useState<string | null>(null);
  const [ready, setReady] = useState(false);

  const supported = typeof navigator !== 'undefined' && !!navigator.mediaDevices?.getUserMedia;

  useEffect(() => {
    if (!supported) return;
    let cancelled = false;
    let opened: MediaStream | null = null;
    navigator.mediaDevices
      .getUserMedia({ video: { ...(deviceId ? { deviceId: { exact: deviceId } } : {}), width: { ideal: 3264 }, height: { ideal: 2448 } }, audio: false })
      .then(async (s) => {
        if (cancelled) {
          s.getTracks().forEach((tr) => tr.stop());
          return;
        }
        opened = s;
        setStream(s);
        setError(null);
        const all = await navigator.mediaDevices.enumerateDevices();
        if (!cancelled) setDevices(all.filter((d) => d.kind === 'videoinput'));
      })
      .catch((e: unknown) => {
        if (!cancelled) setError(cameraError(e));
      });
    return () => {
      cancelled = true;
      opened?.getTracks().forEach((tr) => tr.stop());
    };
  }, [deviceId, supported]);

  useEffect(() => {
    const v = video.current;
    if (!v || !stream) return;
    v.srcObject = stream;
    void v.play().catch(() => undefined);
  }, [stream]);

  const capture = useCallback(async () => {
    if (!video.current) return;
    const stamp = new Date().toISOString().slice(0, 19).replace(/[-:T]/g, '');
    const file = await frameToFile(video.current, `高拍仪-${stamp}.jpg`);
    if (!file) {
      setError(t.failed);
      return;
    }
    stream?.getTracks().forEach((tr) => tr.stop());
    onCapture(file);
  }, [onCapture, stream]);

  return (
    <Space direction="vertical" style={{ width: '100%' }} data-testid="camera-panel">
      {devices.length > 1 && (
        <Space>
          <Typography.Text>{t.device}</Typography.Text>
          <Select
            aria-label={t.device}
            style={{ width: 320 }}
            value={deviceId ?? stream?.getVideoTracks()[0]?.getSettings().deviceId}
            options={devices.map((d, i) => ({ value: d.deviceId, label: d.label || t.deviceN(i + 1) }))}
            onChange={(id) => {
              setReady(false);
              setDeviceId(id);
            }}
          />
        </Space>
      )}
      {error || !supported ? (
        <Alert type="error" showIcon message={error ?? t.unsupported} data-testid="camera-error" />
      ) : (
        <div style={{ display: 'flex', justifyContent: 'center', background: '#262626', padding: 8, borderRadius: 6 }}>
          <video
            ref={video}
            data-testid="camera-preview"
            muted
            playsInline
            onLoadedData={() => setReady(true)}
            style={{ maxWidth: '100%', maxHeight: 300 }}
          />
        </div>
      )}
      <Space>
        <Button type="primary" icon={<CameraOutlined />} disabled={!ready || !!error || !supported} onClick={() => void capture()} data-testid="camera-shoot">
          {t.shoot}
        </Button>
        <Button onClick={onCancel}>{zhCN.app.cancel}</Button>
        <Typography.Text type="secondary">{t.hint}</Typography.Text>
      </Space>
    </Space>
  );
}
