import { useState } from 'react';
import { Alert, Button, Descriptions, Form, Input, Radio, Select, Space, Tag, Typography } from 'antd';
import { useMutation, useQuery } from '@apollo/client/react';
import { CollectIdCardDocument, IdCardSettingsDocument } from '../../../graphql/generated/graphql';
import { fieldErrorSetter } from '../../../lib/forms';
import { zhCN } from '../../../locales/zh-CN';
import { DialogStep, StepModal, type StepDialogProps, type StepProps } from '../../case/steps';
import { deviceMessage } from '../capture/FingerprintCapture';
import { SnapshotCapture, type Snapshot } from '../capture/SnapshotCapture';
import { captureFinger, DeviceError, type DeviceCapture } from '../device';
import { idCardOf } from '../details';

const t = zhCN.idCard;

interface Values {
  mode: 'holder' | 'proxy';
  collectorName: string;
  collectorIdNumber: string;
  proxyRelation: string;
  trackingNumber: string;
  note: string;
}

function CollectDialog({ c, action, run, close }: StepDialogProps) {
  const d = idCardOf(c);
  const a = d.applicant;
  const byPost = a.pickup === 'POST';
  const captured = a.fingerprints.filter((f) => !f.notAvailable);
  const [form] = Form.useForm<Values>();
  const mode = Form.useWatch('mode', form) ?? 'holder';
  const settings = useQuery(IdCardSettingsDocument).data?.idCardSettings;
  const [collect, { loading }] = useMutation(CollectIdCardDocument);
  const [position, setPosition] = useState<number>(captured[0]?.position ?? 0);
  const [live, setLive] = useState<DeviceCapture | null>(null);
  const [capturing, setCapturing] = useState(false);
  const [deviceError, setDeviceError] = useState('');
  const [photo, setPhoto] = useState<Snapshot | null>(null);
  const [problem, setProblem] = useState('');

  const captureLive = async () => {
    setCapturing(true);
    setDeviceError('');
    try {
      const holder = String(form.getFieldValue('collectorIdNumber') ?? '').trim().toUpperCase();
      setLive(await captureFinger(settings?.deviceUrl ?? '', position, holder || a.idNumber));
    } catch (e) {
      setDeviceError(deviceMessage(e instanceof DeviceError ? e.problem : 'failed'));
    } finally {
      setCapturing(false);
    }
  };
  const onFinish = (v: Values) => {
    const holder = v.mode === 'holder';
    if (!byPost && !photo) return setProblem(t.collectionPhotoRequired);
    if (!byPost && holder && captured.length > 0 && !live) return setProblem(t.liveFingerRequired);
    setProblem('');
    const input = byPost
      ? { id: c.id, version: c.version, trackingNumber: v.trackingNumber.trim(), note: v.note?.trim() ?? '' }
      : {
          id: c.id,
          version: c.version,
          collectorName: v.collectorName.trim(),
          collectorIdNumber: v.collectorIdNumber.trim().toUpperCase(),
          proxy: !holder,
          proxyRelation: holder ? '' : v.proxyRelation.trim(),
          fingerprintPosition: holder && live ? live.position : 0,
          fingerprintTemplate: holder && live ? live.template : '',
          photo: photo?.base64 ?? '',
          note: v.note?.trim() ?? '',
        };
    void run(() => collect({ variables: { input } }), (field, msg) => {
      if (field === 'fingerprint') {
        setProblem(msg);
        setLive(null);
        return true;
      }
      if (field === 'photo') {
        setProblem(msg);
        return true;
      }
      return fieldErrorSetter(form, ['collectorName', 'collectorIdNumber', 'proxyRelation', 'trackingNumber', 'note'])(field, msg);
    });
  };
  const initial: Values = { mode: 'holder', collectorName: d.person.name, collectorIdNumber: a.idNumber, proxyRelation: '', trackingNumber: '', note: '' };
  const required = (message: string) => [{ required: true, whitespace: true, message }];
  return (
    <StepModal action={action} title={t.collectTitle} width={820} loading={loading} onCancel={close} onOk={() => form.submit()}>
      <Alert type="info" showIcon message={byPost ? t.postHint : t.collectHint} style={{ marginBottom: 12 }} />
      <Form form={form} layout="vertical" initialValues={initial} onFinish={onFinish}
        onValuesChange={(ch: Partial<Values>) => {
          if (ch.mode === 'proxy') form.setFieldsValue({ collectorName: '', collectorIdNumber: '' });
          if (ch.mode === 'holder') form.setFieldsValue({ collectorName: d.person.name, collectorIdNumber: a.idNumber });
        }}>
        {byPost ? (
          <Form.Item name="trackingNumber" label={t.trackingNumber} rules={required(zhCN.errors.reasons['id_card.trackingNumber_required'])}>
            <Input maxLength={40} className="hukou-mono" style={{ width: 280 }} />
          </Form.Item>
        ) : (
          <>
            <Form.Item name="mode" label={t.collector}>
              <Radio.Group optionType="button" options={[{ value: 'holder', label: t.byHolder }, { value: 'proxy', label: t.byProxy }]} />
            </Form.Item>
            <Space wrap>
              <Form.Item name="collectorName" label={t.collectorName} rules={required(zhCN.errors.reasons['id_card.collectorName_required'])}>
                <Input maxLength={40} style={{ width: 200 }} />
              </Form.Item>
              <Form.Item name="collectorIdNumber" label={t.collectorIdNumber} rules={required(t.idNumberRequired)}>
                <Input maxLength={18} className="hukou-mono" style={{ width: 240 }} />
              </Form.Item>
              {mode === 'proxy' && (
                <Form.Item name="proxyRelation" label={t.proxyRelation} rules={required(zhCN.errors.reasons['id_card.proxyRelation_required'])}>
                  <Input maxLength={20} style={{ width: 160 }} />
                </Form.Item>
              )}
            </Space>
            {mode === 'holder' && captured.length > 0 && settings && (
              <div data-testid="live-finger" style={{ marginBottom: 12 }}>
                <Typography.Text strong>{t.verifyFinger}</Typography.Text>
                <Typography.Paragraph type="secondary">{t.verifyFingerHint(settings.matchThreshold)}</Typography.Paragraph>
                <Space wrap>
                  <Select style={{ width: 140 }} value={position} aria-label={t.fingerPosition}
                    options={captured.map((f) => ({ value: f.position, label: f.fingerName }))}
                    onChange={(p: number) => { setPosition(p); setLive(null); }} />
                  <Button type={live ? 'default' : 'primary'} loading={capturing} onClick={() => void captureLive()}>
                    {live ? t.recapture : t.capture}
                  </Button>
                  {live && (
                    <Tag color="green">
                      {t.captured}：{t.quality} {live.quality}
                    </Tag>
                  )}
                </Space>
                {deviceError && <Alert type="error" showIcon message={deviceError} style={{ marginTop: 8 }} />}
              </div>
            )}
            <Descriptions size="small" column={1} style={{ marginBottom: 8 }}>
              <Descriptions.Item label={t.livePhoto}>
                <SnapshotCapture value={photo} onChange={setPhoto} />
              </Descriptions.Item>
            </Descriptions>
          </>
        )}
        <Form.Item name="note" label={t.saveNote}>
          <Input.TextArea rows={2} maxLength={200} />
        </Form.Item>
      </Form>
      {problem && <Alert type="error" showIcon message={problem} data-testid="collect-problem" />}
    </StepModal>
  );
}

/** CollectStep records the handover: a finger verified on the device, a photo, who took the card (1.1.14). */
export function CollectStep(p: StepProps) {
  return <DialogStep {...p} dialog={(d) => <CollectDialog {...d} />} />;
}
