import { useState } from 'react';
import { Alert, App, Button, Card, Form, Input, Select, Space, Steps } from 'antd';
import { useLazyQuery, useMutation, useQuery } from '@apollo/client/react';
import { useNavigate } from 'react-router';
import {
  IdCardLookupDocument,
  IdCardSettingsDocument,
  StartIdCardApplicationDocument,
  AcceptOnlineIdCardApplicationDocument,
  type CaseDetailFragment,
  type IdCardApplicationKind,
  type IdCardLookupQuery,
} from '../../../graphql/generated/graphql';
import { paths } from '../../../app/paths';
import { applyError } from '../../../lib/errors';
import { fieldErrorSetter } from '../../../lib/forms';
import { validateIdNumber } from '../../../lib/idnumber';
import { zhCN } from '../../../locales/zh-CN';
import { ReadCardButton } from '../../intake/ReadCardButton';
import { useIntakeDraft } from '../../intake/IntakeDraft';
import { PhotoCapture, type CapturedPhoto } from '../capture/PhotoCapture';
import { emptySlots, FingerprintCapture, fingerProblem, toInput, type FingerSlot } from '../capture/FingerprintCapture';
import { Summary } from '../Summary';
import { ContactFields, contactFields, contactInput, emptyContact, type ContactValues } from './ContactFields';
import { LookupResult } from './LookupResult';
import { onlineAcceptInput } from './onlineAccept';

const t = zhCN.idCard;

interface LookupValues {
  idNumber: string;
  applicationKind: IdCardApplicationKind;
  reason: string;
}

type FormValues = ContactValues & { reasonNote: string };

const kinds: IdCardApplicationKind[] = ['FIRST', 'RENEWAL', 'REPLACEMENT'];

/**
 * IdCardIntakeWizard is the off-site ID card intake in steps (1.1.8, 1.1.9):
 * the Ministry's look-ups first (nothing saved; every refusal reason shown),
 * the application's data, the photo and the two fingers, and the
 * confirmation the applicant sees; saving opens the case page, where the
 * materials are captured and the application is submitted.
 */
/** OnlineIdCard is a portal's online application (3.1.4) the clerk completes: its data prefills the intake, and saving accepts it. */
export interface OnlineIdCard {
  id: string;
  version: number;
  applicant: LookupValues & Partial<ContactValues> & { reasonNote?: string };
}

export function IdCardIntakeWizard({ onCreated, online }: { onCreated: (c: CaseDetailFragment) => void; online?: OnlineIdCard }) {
  const [lookupForm] = Form.useForm<LookupValues>();
  const [form] = Form.useForm<FormValues>();
  useIntakeDraft('idCardLookup', lookupForm);
  useIntakeDraft('idCardApplicant', form);
  const { message } = App.useApp();
  const navigate = useNavigate();
  const settingsQ = useQuery(IdCardSettingsDocument);
  const settings = settingsQ.data?.idCardSettings;
  const [step, setStep] = useState(0);
  const [asked, setAsked] = useState<LookupValues | null>(null);
  const [found, setFound] = useState<IdCardLookupQuery['idCardLookup'] | null>(null);
  const [values, setValues] = useState<FormValues>(() => {
    const a = online?.applicant;
    if (!a) return { ...emptyContact, reasonNote: '' };
    return {
      phone: a.phone ?? '',
      pickup: a.pickup ?? 'IN_PERSON',
      postAddress: a.postAddress ?? '',
      postRecipient: a.postRecipient ?? '',
      postCode: a.postCode ?? '',
      reasonNote: a.reasonNote ?? '',
    };
  });
  const [photo, setPhoto] = useState<CapturedPhoto | null>(null);
  const [fingers, setFingers] = useState<FingerSlot[]>(emptySlots);
  const [lookup, { loading: looking }] = useLazyQuery(IdCardLookupDocument, { fetchPolicy: 'network-only' });
  const [start, { loading: starting }] = useMutation(StartIdCardApplicationDocument);
  const [acceptOnline, { loading: accepting }] = useMutation(AcceptOnlineIdCardApplicationDocument);
  const saving = starting || accepting;
  const kind = Form.useWatch('applicationKind', lookupForm);
  const reasons = (settings?.reasons ?? []).filter((r) => r.kind === kind);
  const fail = (setFieldError: ReturnType<typeof fieldErrorSetter>) => (e: unknown) =>
    applyError(e, { notify: (msg) => void message.error(msg), setFieldError, toLogin: () => void navigate(paths.login) });

  const onLookup = async (v: LookupValues) => {
    setFound(null);
    const q = { ...v, idNumber: v.idNumber.trim().toUpperCase() };
    try {
      const { data, error } = await lookup({ variables: q });
      if (error) fail(fieldErrorSetter(lookupForm, ['idNumber', 'applicationKind', 'reason']))(error);
      else if (data) {
        setAsked(q);
        setFound(data.idCardLookup);
      }
    } catch (e) {
      fail(fieldErrorSetter(lookupForm, ['idNumber', 'applicationKind', 'reason']))(e);
    }
  };
  const onForm = (v: FormValues) => {
    setValues(v);
    setStep(2);
  };
  const captureProblem = !photo?.ok ? t.photoRequired : settings ? fingerProblem(fingers, settings.minQuality) : t.fingerRequired;
  const reasonName = (code: string) => settings?.reasons.find((r) => r.kind === asked?.applicationKind && r.code === code)?.name ?? code;

  const onSave = async () => {
    if (!asked || !photo) return;
    try {
      if (online) {
        // The counter adds the photo and the fingers, and the contact details as the clerk confirmed them win over the portal's (#18, 3.1.4).
        const { data } = await acceptOnline({ variables: { input: onlineAcceptInput(online, values, photo.base64, toInput(fingers)) } });
        if (data) {
          void message.success(`${t.saved} ${data.acceptOnlineIdCardApplication.collabNo}`);
          onCreated(data.acceptOnlineIdCardApplication);
        }
        return;
      }
      const { data } = await start({
        variables: {
          input: {
            applicant: { idNumber: asked.idNumber, applicationKind: asked.applicationKind, reason: asked.reason, reasonNote: values.reasonNote.trim(), ...contactInput(values) },
            photo: photo.base64,
            fingerprints: toInput(fingers),
          },
        },
      });
      if (data) {
        void message.success(`${t.saved} ${data.startIdCardApplication.collabNo}`);
        onCreated(data.startIdCardApplication);
      }
    } catch (e) {
      applyError(e, {
        notify: (msg) => void message.error(msg),
        setFieldError: (field, msg) => {
          void message.error(msg);
          if ((contactFields as readonly string[]).includes(field) || field === 'reasonNote') setStep(1);
          else if (field === 'photo' || field.startsWith('fingerprints')) setStep(2);
          return true;
        },
        toLogin: () => void navigate(paths.login),
      });
    }
  };

  return (
    <>
      <Steps
        current={step}
        style={{ marginBottom: 24 }}
        items={[
          { title: t.stepLookup, description: t.stepLookupHint },
          { title: t.stepForm, description: t.stepFormHint },
          { title: t.stepCapture, description: t.stepCaptureHint },
          { title: t.stepConfirm, description: t.stepConfirmHint },
        ]}
      />
      {step === 0 && (
        <Card title={t.stepLookup}>
          <Alert type="info" showIcon message={t.lookupHint} style={{ marginBottom: 16 }} />
          <Form form={lookupForm} layout="inline" onFinish={(v) => void onLookup(v)} onValuesChange={() => setFound(null)}
            initialValues={online ? { idNumber: online.applicant.idNumber, applicationKind: online.applicant.applicationKind, reason: online.applicant.reason } : { applicationKind: 'RENEWAL' }}
            disabled={online !== undefined && found !== null} style={{ rowGap: 12 }}>
            <Form.Item
              name="idNumber"
              label={t.idNumber}
              rules={[
                { required: true, whitespace: true, message: t.idNumberRequired },
                {
                  validator: (_, value: unknown) => {
                    if (typeof value !== 'string' || value.trim() === '') return Promise.resolve();
                    const r = validateIdNumber(value.trim());
                    return r.ok ? Promise.resolve() : Promise.reject(new Error(r.message));
                  },
                },
              ]}
            >
              <Input className="hukou-mono" maxLength={18} style={{ width: 220 }} />
            </Form.Item>
            <Form.Item>
              <ReadCardButton fields={{ idNumber: 'idNumber' }} />
            </Form.Item>
            <Form.Item name="applicationKind" label={t.applicationKind} rules={[{ required: true }]}>
              <Select style={{ width: 120 }} options={kinds.map((k) => ({ value: k, label: t.applicationKinds[k] }))}
                onChange={() => lookupForm.setFieldValue('reason', undefined)} />
            </Form.Item>
            <Form.Item name="reason" label={t.reason} rules={[{ required: true, message: t.reasonRequired }]}>
              <Select style={{ width: 280 }} options={reasons.map((r) => ({ value: r.code, label: r.name }))} placeholder={zhCN.app.selectPlaceholder} />
            </Form.Item>
            <Form.Item>
              <Button type="primary" htmlType="submit" loading={looking}>
                {t.lookup}
              </Button>
            </Form.Item>
          </Form>
          {found && (
            <div style={{ marginTop: 16 }}>
              <LookupResult l={found} />
              <Space style={{ width: '100%', justifyContent: 'flex-end', marginTop: 16 }}>
                <Button type="primary" size="large" disabled={found.refusals.length > 0} onClick={() => setStep(1)}>
                  {t.next}
                </Button>
              </Space>
            </div>
          )}
        </Card>
      )}
      {step === 1 && (
        <Card title={t.stepForm}>
          {online && <Alert type="info" showIcon message={t.onlineContactHint} style={{ marginBottom: 16 }} data-testid="idcard-online-contact-hint" />}
          <Form form={form} layout="vertical" initialValues={values} onFinish={onForm} style={{ maxWidth: 640 }}>
            <Form.Item label={t.reason}>{asked ? reasonName(asked.reason) : ''}</Form.Item>
            <Form.Item name="reasonNote" label={t.reasonNote}>
              <Input.TextArea rows={2} maxLength={200} />
            </Form.Item>
            <ContactFields />
            <Space>
              <Button onClick={() => setStep(0)}>{t.back}</Button>
              <Button type="primary" htmlType="submit">
                {t.next}
              </Button>
            </Space>
          </Form>
        </Card>
      )}
      {step === 2 && settings && asked && (
        <Space direction="vertical" size="middle" style={{ width: '100%' }}>
          <Card title={t.photo}>
            <PhotoCapture rules={settings.photo} value={photo} onChange={setPhoto} />
          </Card>
          <Card title={t.fingerprints}>
            <FingerprintCapture settings={settings} subject={asked.idNumber} value={fingers} onChange={setFingers} />
          </Card>
          {captureProblem && <Alert type="warning" showIcon message={captureProblem} />}
          <Space>
            <Button onClick={() => setStep(1)}>{t.back}</Button>
            <Button type="primary" disabled={!!captureProblem} onClick={() => setStep(3)}>
              {t.next}
            </Button>
          </Space>
        </Space>
      )}
      {step === 3 && settings && asked && found && (
        <Card title={t.confirmTitle}>
          <Alert type="info" showIcon message={t.confirmHint} style={{ marginBottom: 16 }} />
          <Summary
            name={found.person.name}
            idNumber={asked.idNumber}
            kind={t.applicationKinds[asked.applicationKind]}
            reason={reasonName(asked.reason)}
            phone={values.phone}
            pickup={values.pickup}
            postAddress={values.postAddress}
            postRecipient={values.postRecipient}
            postCode={values.postCode}
            photoUrl={photo?.url}
            fingers={fingers.map((f) => ({ position: f.position, notAvailable: f.notAvailable, quality: f.capture?.quality }))}
            fingerCodes={settings.fingerCodes}
          />
          <Space style={{ marginTop: 16 }}>
            <Button onClick={() => setStep(2)}>{t.back}</Button>
            <Button type="primary" size="large" loading={saving} onClick={() => void onSave()}>
              {t.save}
            </Button>
          </Space>
        </Card>
      )}
    </>
  );
}
