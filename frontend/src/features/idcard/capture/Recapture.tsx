// Taking the photo or the fingers again in a step's dialog (1.2.4, 1.1.12):
// each is kept unless the clerk chooses to take it again.
import { Checkbox, Space } from 'antd';
import type { IdCardSettingsQuery } from '../../../graphql/generated/graphql';
import { zhCN } from '../../../locales/zh-CN';
import { PhotoCapture, type CapturedPhoto } from './PhotoCapture';
import { emptySlots, FingerprintCapture, fingerProblem, toInput, type FingerSlot } from './FingerprintCapture';

const t = zhCN.idCard;

export interface RecaptureState {
  retakePhoto: boolean;
  photo: CapturedPhoto | null;
  retakeFingers: boolean;
  fingers: FingerSlot[];
}

export const keepAll = (): RecaptureState => ({ retakePhoto: false, photo: null, retakeFingers: false, fingers: emptySlots() });

/** recaptureProblem says what keeps the new captures from being sent, or null. */
export function recaptureProblem(s: RecaptureState, minQuality: number): string | null {
  if (s.retakePhoto && !s.photo?.ok) return t.photoRequired;
  if (s.retakeFingers) return fingerProblem(s.fingers, minQuality);
  return null;
}

/** recaptureInput is what the step sends: a new photo ("" keeps it) and new fingers (null keeps them). */
export function recaptureInput(s: RecaptureState) {
  return { photo: s.retakePhoto && s.photo ? s.photo.base64 : '', fingerprints: s.retakeFingers ? toInput(s.fingers) : null };
}

export function Recapture({ settings, subject, value, onChange }: {
  settings: IdCardSettingsQuery['idCardSettings'];
  subject: string;
  value: RecaptureState;
  onChange: (s: RecaptureState) => void;
}) {
  return (
    <Space direction="vertical" style={{ width: '100%' }} data-testid="recapture">
      <Checkbox checked={value.retakePhoto} onChange={(e) => onChange({ ...value, retakePhoto: e.target.checked, photo: null })}>
        {t.retakePhoto}
      </Checkbox>
      {value.retakePhoto && <PhotoCapture rules={settings.photo} value={value.photo} onChange={(photo) => onChange({ ...value, photo })} />}
      <Checkbox checked={value.retakeFingers} onChange={(e) => onChange({ ...value, retakeFingers: e.target.checked, fingers: emptySlots() })}>
        {t.retakeFingers}
      </Checkbox>
      {value.retakeFingers && (
        <FingerprintCapture settings={settings} subject={subject} value={value.fingers} onChange={(fingers) => onChange({ ...value, fingers })} />
      )}
    </Space>
  );
}
