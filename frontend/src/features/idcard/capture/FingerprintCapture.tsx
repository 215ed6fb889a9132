// The two fingers of an intake (1.1.8) through the device port: each finger
// captured on the workstation's fingerprint device (template, image,
// quality) or marked not available with a code the standard allows.
import { useState } from 'react';
import { Alert, Button, Card, Col, Radio, Row, Select, Space, Tag, Typography } from 'antd';
import type { FingerprintCaptureInput } from '../../../graphql/generated/graphql';
import { zhCN } from '../../../locales/zh-CN';
import { captureFinger, DeviceError, type DeviceCapture, type DeviceProblem } from '../device';
import { defaultFingers, fingerPositions } from '../rules';

const t = zhCN.idCard;

/** FingerSlot is one of the two fingers: its position, and a capture or a not-available code. */
export interface FingerSlot {
  position: number;
  notAvailable: string;
  capture: DeviceCapture | null;
}

export interface FingerSettings {
  deviceUrl: string;
  minQuality: number;
  fingerCodes: readonly { code: string; name: string }[];
}

export const emptySlots = (): FingerSlot[] => defaultFingers.map((position) => ({ position, notAvailable: '', capture: null }));

/** deviceMessage is what the clerk reads when the device fails. */
export function deviceMessage(problem: DeviceProblem): string {
  switch (problem) {
    case 'unconfigured':
      return t.deviceUnconfigured;
    case 'unreachable':
      return t.deviceUnreachable;
    case 'noFinger':
      return t.deviceNoFinger;
    case 'busy':
      return t.deviceBusy;
    case 'unavailable':
      return t.deviceUnavailable;
    default:
      return t.deviceFailed;
  }
}

/** fingerProblem says what keeps the two fingers from being submitted, or null. */
export function fingerProblem(slots: readonly FingerSlot[], minQuality: number): string | null {
  if (slots.length !== 2) return t.fingerRequired;
  if (slots[0].position === slots[1].position) return t.fingerSame;
  for (const s of slots) {
    if (s.notAvailable) continue;
    if (!s.capture) return t.fingerRequired;
    if (s.capture.quality < minQuality) return t.qualityLow(minQuality);
  }
  return null;
}

/** toInput is the slots as the API takes them. */
export function toInput(slots: readonly FingerSlot[]): FingerprintCaptureInput[] {
  return slots.map((s) =>
    s.notAvailable
      ? { position: s.position, notAvailable: s.notAvailable, template: '', image: '' }
      : { position: s.position, notAvailable: '', template: s.capture?.template ?? '', image: s.capture?.image ?? '' },
  );
}

const positionOptions = fingerPositions.map((p) => ({ value: p, label: t.fingerNames[p] }));

function Slot({ n, slot, settings, subject, onChange }: { n: number; slot: FingerSlot; settings: FingerSettings; subject: string; onChange: (s: FingerSlot) => void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const capture = async () => {
    setBusy(true);
    setError('');
    try {
      onChange({ ...slot, capture: await captureFinger(settings.deviceUrl, slot.position, subject) });
    } catch (e) {
      setError(deviceMessage(e instanceof DeviceError ? e.problem : 'failed'));
    } finally {
      setBusy(false);
    }
  };
  const c = slot.capture;
  const mode = slot.notAvailable ? 'na' : 'capture';
  return (
    <Card size="small" title={t.finger(n)} data-testid={`finger-${n}`}>
      <Space direction="vertical" style={{ width: '100%' }}>
        <Space wrap>
          <Typography.Text>{t.fingerPosition}</Typography.Text>
          <Select style={{ width: 130 }} value={slot.position} options={positionOptions} aria-label={`${t.finger(n)}${t.fingerPosition}`}
            onChange={(position: number) => onChange({ position, notAvailable: slot.notAvailable, capture: null })} />
          <Radio.Group value={mode} optionType="button" size="small"
            onChange={(e) => onChange({ ...slot, notAvailable: e.target.value === 'na' ? (settings.fingerCodes[0]?.code ?? '') : '', capture: null })}
            options={[{ value: 'capture', label: t.capture }, { value: 'na', label: t.notAvailable }]} />
        </Space>
        {mode === 'na' ? (
          <Space>
            <Typography.Text>{t.notAvailableReason}</Typography.Text>
            <Select style={{ width: 220 }} value={slot.notAvailable} aria-label={`${t.finger(n)}${t.notAvailableReason}`}
              options={settings.fingerCodes.map((f) => ({ value: f.code, label: f.name }))}
              onChange={(code: string) => onChange({ ...slot, notAvailable: code, capture: null })} />
          </Space>
        ) : (
          <Space align="start">
            <div style={{ width: 96, height: 135, background: '#fafafa', border: '1px solid #f0f0f0' }}>
              {c && <img alt={t.fingerNames[c.position]} src={`data:image/png;base64,${c.image}`} style={{ width: '100%', height: '100%' }} />}
            </div>
            <Space direction="vertical">
              <Button type={c ? 'default' : 'primary'} loading={busy} onClick={() => void capture()}>
                {c ? t.recapture : t.capture}
              </Button>
              {busy && <Typography.Text type="secondary">{t.capturing}</Typography.Text>}
              {c && (
                <Space wrap data-testid={`finger-${n}-result`}>
                  <Tag color={c.quality >= settings.minQuality ? 'green' : 'red'}>
                    {t.quality} {c.quality}
                  </Tag>
                  <Tag>
                    {t.minutiae} {c.minutiae}
                  </Tag>
                </Space>
              )}
              {c && c.quality < settings.minQuality && <Typography.Text type="danger">{t.qualityLow(settings.minQuality)}</Typography.Text>}
            </Space>
          </Space>
        )}
        {error && <Alert type="error" showIcon message={error} />}
      </Space>
    </Card>
  );
}

/** FingerprintCapture takes the two fingers of subject (the applicant's ID number: the simulated device's hint of whose finger it is). */
export function FingerprintCapture({ settings, subject, value, onChange }: { settings: FingerSettings; subject: string; value: FingerSlot[]; onChange: (v: FingerSlot[]) => void }) {
  return (
    <div data-testid="fingerprint-capture">
      <Typography.Paragraph type="secondary">{t.fingerHint(settings.minQuality)}</Typography.Paragraph>
      {!settings.deviceUrl && <Alert type="warning" showIcon message={t.deviceUnconfigured} style={{ marginBottom: 12 }} />}
      <Row gutter={12}>
        {value.map((slot, i) => (
          <Col span={12} key={i}>
            <Slot n={i + 1} slot={slot} settings={settings} subject={subject} onChange={(s) => onChange(value.map((v, j) => (j === i ? s : v)))} />
          </Col>
        ))}
      </Row>
    </div>
  );
}
