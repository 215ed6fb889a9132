// Certificate steps that ask for input: the verdict at the registration office
// (2.1.3, 1.4.4), routing to a third province (2.2.7), revocation, and
// modifying the matter before submission (1.2.3).
import { Alert, Form, Input } from 'antd';
import { useMutation } from '@apollo/client/react';
import {
  ModifyMatterCertificateDocument,
  RevokeInformationCertificateDocument,
  RevokeMatterCertificateDocument,
  RouteMatterCertificateDocument,
  VerifyMatterNoResultDocument,
  VerifyMatterNotTrueDocument,
  VerifyMatterTrueDocument,
  type CertificateMatterInput,
} from '../../../graphql/generated/graphql';
import { fieldErrorSetter } from '../../../lib/forms';
import { zhCN } from '../../../locales/zh-CN';
import { DialogStep, StepModal, type StepDialogProps, type StepProps } from '../../case/steps';
import { matterOf } from '../details';
import { MatterFields, matterFields, matterInput, toMatterInput, useMatterTypes } from '../intake/MatterFields';

const t = zhCN.certificate;
const lines = (v: string) => v.split('\n').map((r) => r.trim()).filter(Boolean);

function VerifyTrueDialog({ c, action, run, close }: StepDialogProps) {
  const [form] = Form.useForm<{ findings: string }>();
  const [verify, { loading }] = useMutation(VerifyMatterTrueDocument);
  const onFinish = (v: { findings: string }) =>
    void run(() => verify({ variables: { input: { id: c.id, version: c.version, findings: v.findings } } }), fieldErrorSetter(form, ['findings']));
  return (
    <StepModal action={action} title={t.verifyTrueTitle} loading={loading} onCancel={close} onOk={() => form.submit()}>
      <Alert type="info" showIcon style={{ marginBottom: 12 }} message={t.verifyTrueHint} />
      <Form form={form} layout="vertical" onFinish={onFinish}>
        <Form.Item name="findings" label={t.findings} rules={[{ required: true, whitespace: true, message: t.required }]}>
          <Input.TextArea rows={3} maxLength={500} placeholder={t.findingsPlaceholder} />
        </Form.Item>
      </Form>
    </StepModal>
  );
}

/** VerifyTrueStep answers TRUE with the findings; the verification materials captured at R travel with it. */
export function VerifyTrueStep(p: StepProps) {
  return <DialogStep {...p} dialog={(d) => <VerifyTrueDialog {...d} />} />;
}

function ReasonsDialog({ c, action, run, close, title, noResult }: StepDialogProps & { title: string; noResult: boolean }) {
  const [form] = Form.useForm<{ reasons: string }>();
  const [notTrue, a] = useMutation(VerifyMatterNotTrueDocument);
  const [none, b] = useMutation(VerifyMatterNoResultDocument);
  const onFinish = (v: { reasons: string }) => {
    const input = { id: c.id, version: c.version, reasons: lines(v.reasons) };
    void run(() => (noResult ? none({ variables: { input } }) : notTrue({ variables: { input } })), fieldErrorSetter(form, ['reasons']));
  };
  return (
    <StepModal action={action} title={title} danger loading={a.loading || b.loading} onCancel={close} onOk={() => form.submit()}>
      <Form form={form} layout="vertical" onFinish={onFinish}>
        <Form.Item name="reasons" label={t.reasons} rules={[{ required: true, whitespace: true, message: t.required }]}>
          <Input.TextArea rows={4} placeholder={t.reasonsPlaceholder} />
        </Form.Item>
      </Form>
    </StepModal>
  );
}

/** VerifyNotTrueStep answers NOT_TRUE with reasons (2.1.3). */
export function VerifyNotTrueStep(p: StepProps) {
  return <DialogStep {...p} danger dialog={(d) => <ReasonsDialog {...d} title={t.verifyNotTrueTitle} noResult={false} />} />;
}

/** VerifyNoResultStep answers NO_RESULT with reasons (2.1.3). */
export function VerifyNoResultStep(p: StepProps) {
  return <DialogStep {...p} dialog={(d) => <ReasonsDialog {...d} title={t.verifyNoResultTitle} noResult />} />;
}

function RouteDialog({ c, action, run, close }: StepDialogProps) {
  const [form] = Form.useForm<{ province: string }>();
  const [route, { loading }] = useMutation(RouteMatterCertificateDocument);
  const onFinish = (v: { province: string }) =>
    void run(() => route({ variables: { input: { id: c.id, version: c.version, province: v.province.trim() } } }), fieldErrorSetter(form, ['province']));
  return (
    <StepModal action={action} title={t.routeTitle} loading={loading} onCancel={close} onOk={() => form.submit()}>
      <Alert type="info" showIcon style={{ marginBottom: 12 }} message={t.routeHint} />
      <Form form={form} layout="vertical" onFinish={onFinish}>
        <Form.Item name="province" label={t.provinceCode} rules={[{ required: true, pattern: /^[1-9][0-9]$/, message: t.provinceInvalid }]}>
          <Input maxLength={2} style={{ width: 120 }} />
        </Form.Item>
      </Form>
    </StepModal>
  );
}

/** RouteStep routes the verification to a third province through the province platform (2.2.7). */
export function RouteStep(p: StepProps) {
  return <DialogStep {...p} dialog={(d) => <RouteDialog {...d} />} />;
}

function RevokeDialog({ c, action, run, close }: StepDialogProps) {
  const [form] = Form.useForm<{ reason: string }>();
  const [revokeMatter, a] = useMutation(RevokeMatterCertificateDocument);
  const [revokeInfo, b] = useMutation(RevokeInformationCertificateDocument);
  const onFinish = (v: { reason: string }) => {
    const input = { id: c.id, version: c.version, reason: v.reason };
    void run(() => (c.kind === 'INFO_CERT' ? revokeInfo({ variables: { input } }) : revokeMatter({ variables: { input } })), fieldErrorSetter(form, ['reason']));
  };
  return (
    <StepModal action={action} title={t.revokeTitle} danger loading={a.loading || b.loading} onCancel={close} onOk={() => form.submit()}>
      <Alert type="warning" showIcon style={{ marginBottom: 12 }} message={t.revokeHint} />
      <Form form={form} layout="vertical" onFinish={onFinish}>
        <Form.Item name="reason" label={t.revokeReason} rules={[{ required: true, whitespace: true, message: t.required }]}>
          <Input.TextArea rows={2} maxLength={200} />
        </Form.Item>
      </Form>
    </StepModal>
  );
}

/** RevokeStep revokes an issued certificate of either kind (an approver's step). */
export function RevokeStep(p: StepProps) {
  return <DialogStep {...p} danger dialog={(d) => <RevokeDialog {...d} />} />;
}

function ModifyDialog({ c, action, run, close }: StepDialogProps) {
  const m = matterOf(c).matter;
  const [form] = Form.useForm<CertificateMatterInput>();
  const types = useMatterTypes();
  const [modify, { loading }] = useMutation(ModifyMatterCertificateDocument);
  const onFinish = (v: CertificateMatterInput) => {
    const needs = types.find((x) => x.code === v.matterType)?.needs ?? [];
    const matter = toMatterInput({ ...v, registrationOffice: m.registrationOffice ?? '' }, needs);
    void run(() => modify({ variables: { input: { id: c.id, version: c.version, matter } } }), fieldErrorSetter(form, matterFields));
  };
  return (
    <StepModal action={action} title={zhCN.actions.MODIFY_MATTER_CERTIFICATE} width={760} loading={loading} onCancel={close} onOk={() => form.submit()}>
      <Form form={form} layout="vertical" onFinish={onFinish}
        initialValues={matterInput(m)}>
        <MatterFields withOffice={false} />
      </Form>
    </StepModal>
  );
}

/** ModifyStep changes the matter before submission (1.2.3). */
export function ModifyStep(p: StepProps) {
  return <DialogStep {...p} dialog={(d) => <ModifyDialog {...d} />} />;
}
