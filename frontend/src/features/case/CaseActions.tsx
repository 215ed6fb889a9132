import { useState, type ReactNode } from 'react';
import { Alert, App, Button, DatePicker, Descriptions, Form, Input, Modal, Select, Space, Typography } from 'antd';
import { CameraOutlined, DeleteOutlined, FolderOpenOutlined, PlusOutlined } from '@ant-design/icons';
import { useMutation } from '@apollo/client/react';
import { useNavigate } from 'react-router';
import dayjs, { type Dayjs } from 'dayjs';
import {
  ApproveBirthMajorChangeDocument,
  ApproveBirthRegistrationDocument,
  CloseRefusedBirthRegistrationDocument,
  CorrectBirthMinorDocument,
  FileBirthRegistrationDocument,
  ModifyBirthRegistrationDocument,
  PrintBirthFormDocument,
  RefuseBirthRegistrationDocument,
  RejectBirthMajorChangeDocument,
  ReportBirthErrorsDocument,
  RequestBirthMajorChangeDocument,
  ResendBirthFormDocument,
  ReturnSignedBirthFormDocument,
  SettleBirthRegistrationDocument,
  SubmitBirthRegistrationDocument,
  type BirthApplicantInput,
  type BirthErrorItemInput,
  type CaseDetailFragment,
  type ReturnSignedBirthFormMutationVariables,
} from '../../graphql/generated/graphql';
import { useSessionStore } from '../../app/context';
import { applyError } from '../../lib/errors';
import { fileHref, openForPrint } from '../../lib/files';
import { fieldErrorSetter } from '../../lib/forms';
import { uploadMutation } from '../../lib/upload';
import { formatBytes } from '../archive/imageEdit';
import { actionLabel, zhCN } from '../../locales/zh-CN';
import { applicantFields, BirthApplicantFields } from '../birth/BirthApplicantFields';
import { CodeSelect } from '../birth/CodeSelect';

const t = zhCN.modals;

const primary = new Set(['submit', 'approve', 'settle', 'print', 'returnSigned', 'resendForm', 'approveMajorChange', 'file']);
const danger = new Set(['refuse', 'rejectMajorChange']);

type ModalKind =
  | 'modify' | 'approve' | 'refuse' | 'settle' | 'reportErrors' | 'returnSigned'
  | 'correctMinor' | 'requestMajorChange' | 'rejectMajorChange' | null;

/** Registration-form fields: the major ones need an approver, the minor ones are corrected directly. */
export const majorItems = ['name', 'idNumber', 'birthDate', 'ethnicity', 'sex'] as const;
export const minorItems = ['formerNames', 'relation', 'birthplaceDivision'] as const;
const fieldOptions = [...majorItems, ...minorItems].map((f) => ({ value: f, label: zhCN.formFields[f] }));
const majorOptions = majorItems.map((f) => ({ value: f, label: zhCN.formFields[f] }));
const sexOptions = [
  { value: '1', label: zhCN.sex['1'] },
  { value: '2', label: zhCN.sex['2'] },
];

interface ReportValues {
  items: BirthErrorItemInput[];
}
interface MinorValues {
  formerNames?: string;
  relation?: string;
  birthplaceDivision?: string;
}
interface MajorValues {
  field: string;
  value?: string;
  date?: Dayjs;
  reason: string;
}

/** itemsFieldSetter puts a server error named items[i].field on the matching row of the error list. */
function itemsFieldSetter(form: ReturnType<typeof Form.useForm<ReportValues>>[0]) {
  return (field: string, msg: string): boolean => {
    const m = /^items\[(\d+)\]\.(field|wanted|note)$/.exec(field);
    if (!m) return false;
    form.setFields([{ name: ['items', Number(m[1]), m[2] as keyof BirthErrorItemInput], errors: [msg] }]);
    return true;
  };
}

/** latestForm is the newest revision of the registration form among the case's documents. */
export function latestForm(c: CaseDetailFragment) {
  const forms = c.documents.filter((d) => d.materialCode === 'REGISTRATION_FORM');
  return forms.reduce<(typeof forms)[number] | null>((a, d) => (!a || d.revision > a.revision ? d : a), null);
}

interface SettleValues {
  householdNumber: string;
  name: string;
  sex: string;
  ethnicity: string;
  birthDate: Dayjs;
  relation: string;
}

interface Props {
  c: CaseDetailFragment;
  /** Reloads the case (after a conflict). */
  onRefresh: () => void;
}

/** CaseActions renders one button per entry of availableActions, in the server's order, and nothing else. */
export function CaseActions({ c, onRefresh }: Props) {
  const { message, modal } = App.useApp();
  const navigate = useNavigate();
  const [open, setOpen] = useState<ModalKind>(null);
  const [approveForm] = Form.useForm<{ note: string }>();
  const [refuseForm] = Form.useForm<{ reasons: string }>();
  const [settleForm] = Form.useForm<SettleValues>();
  const [modifyForm] = Form.useForm<BirthApplicantInput>();
  const [reportForm] = Form.useForm<ReportValues>();
  const [minorForm] = Form.useForm<MinorValues>();
  const [majorForm] = Form.useForm<MajorValues>();
  const [rejectForm] = Form.useForm<{ reason: string }>();
  const [signed, setSigned] = useState<File | null>(null);
  const [signedError, setSignedError] = useState<string | null>(null);
  const [uploading, setUploading] = useState(false);
  const [formError, setFormError] = useState<string | null>(null);
  const store = useSessionStore();

  const [submit] = useMutation(SubmitBirthRegistrationDocument);
  const [approve, approveState] = useMutation(ApproveBirthRegistrationDocument);
  const [refuse, refuseState] = useMutation(RefuseBirthRegistrationDocument);
  const [settle, settleState] = useMutation(SettleBirthRegistrationDocument);
  const [closeRefused] = useMutation(CloseRefusedBirthRegistrationDocument);
  const [modify, modifyState] = useMutation(ModifyBirthRegistrationDocument);
  const [printForm] = useMutation(PrintBirthFormDocument);
  const [reportErrors, reportState] = useMutation(ReportBirthErrorsDocument);
  const [correctMinor, minorState] = useMutation(CorrectBirthMinorDocument);
  const [requestMajor, majorState] = useMutation(RequestBirthMajorChangeDocument);
  const [approveMajor] = useMutation(ApproveBirthMajorChangeDocument);
  const [rejectMajor, rejectState] = useMutation(RejectBirthMajorChangeDocument);
  const [resendForm] = useMutation(ResendBirthFormDocument);
  const [fileCase] = useMutation(FileBirthRegistrationDocument);

  const vars = { id: c.id, version: c.version };

  /** run performs a mutation, reports success in Chinese and routes errors through lib/errors. */
  const run = async (action: string, fn: () => Promise<unknown>, setFieldError?: (f: string, m: string) => boolean) => {
    try {
      await fn();
      message.success(zhCN.caseDetail.done(actionLabel(action)));
      setOpen(null);
      return true;
    } catch (e) {
      const outcome = applyError(e, {
        notify: (msg) => void message.error(msg),
        setFieldError,
        refresh: onRefresh,
        toLogin: () => navigate('/login'),
      });
      if (outcome.kind === 'refresh') setOpen(null);
      return false;
    }
  };

  const confirm = (action: string, title: string, content: ReactNode, fn: () => Promise<unknown>) =>
    modal.confirm({ title, content, okText: actionLabel(action), cancelText: zhCN.app.cancel, onOk: () => run(action, fn) });

  /** print records the printing, then opens the newest form in a window opened while the click still counts. */
  const print = async () => {
    const w = window.open('about:blank', '_blank');
    let latest = latestForm(c);
    const ok = await run('print', async () => {
      const r = await printForm({ variables: vars });
      const updated = r.data?.printBirthForm;
      if (updated) latest = latestForm(updated);
    });
    if (!ok || !latest) {
      w?.close();
      if (ok) message.warning(t.noForm);
      return;
    }
    openForPrint(fileHref(latest.url, store.get()?.accessToken), w);
  };

  const uploadSigned = async () => {
    if (!signed) {
      setSignedError(t.signedFileRequired);
      return;
    }
    setUploading(true);
    const v: Omit<ReturnSignedBirthFormMutationVariables, 'file'> = vars;
    await run(
      'returnSigned',
      async () => {
        await uploadMutation(ReturnSignedBirthFormDocument, v, 'file', signed, signed.name, store.get()?.accessToken);
        onRefresh();
      },
      (field, msg) => (field === 'file' ? (setSignedError(msg), true) : false),
    );
    setUploading(false);
  };

  const onClick = (action: string) => {
    setFormError(null);
    switch (action) {
      case 'print':
        modal.confirm({
          title: t.printConfirmTitle,
          content: t.printConfirmBody,
          okText: actionLabel('print'),
          cancelText: zhCN.app.cancel,
          onOk: () => print(),
        });
        return;
      case 'reportErrors':
        reportForm.resetFields();
        reportForm.setFieldsValue({ items: [{ field: '', wanted: '', note: '' }] });
        setOpen('reportErrors');
        return;
      case 'returnSigned':
        setSigned(null);
        setSignedError(null);
        setOpen('returnSigned');
        return;
      case 'correctMinor': {
        minorForm.resetFields();
        const pre: MinorValues = {};
        for (const it of c.errorReport) {
          if (it.field === 'formerNames' || it.field === 'relation' || it.field === 'birthplaceDivision') pre[it.field] = it.wanted;
        }
        minorForm.setFieldsValue(pre);
        setOpen('correctMinor');
        return;
      }
      case 'requestMajorChange': {
        majorForm.resetFields();
        const it = c.errorReport.find((e) => (majorItems as readonly string[]).includes(e.field));
        if (it) {
          majorForm.setFieldsValue(
            it.field === 'birthDate' && dayjs(it.wanted).isValid()
              ? { field: it.field, date: dayjs(it.wanted), reason: it.note ?? '' }
              : { field: it.field, value: it.wanted, reason: it.note ?? '' },
          );
        }
        setOpen('requestMajorChange');
        return;
      }
      case 'approveMajorChange':
        confirm(
          'approveMajorChange',
          t.approveMajorConfirmTitle,
          <Space direction="vertical">
            {c.pendingChange && <PendingChange change={c.pendingChange} />}
            <span>{t.approveMajorConfirmBody}</span>
          </Space>,
          () => approveMajor({ variables: vars }),
        );
        return;
      case 'rejectMajorChange':
        rejectForm.resetFields();
        setOpen('rejectMajorChange');
        return;
      case 'resendForm':
        confirm('resendForm', t.resendConfirmTitle, t.resendConfirmBody, () => resendForm({ variables: vars }));
        return;
      case 'file':
        confirm('file', t.fileConfirmTitle, t.fileConfirmBody, () => fileCase({ variables: vars }));
        return;
      case 'submit':
        modal.confirm({
          title: t.submitConfirmTitle,
          content: t.submitConfirmBody,
          okText: actionLabel('submit'),
          cancelText: zhCN.app.cancel,
          onOk: () => run('submit', () => submit({ variables: vars })),
        });
        return;
      case 'closeRefused':
        modal.confirm({
          title: t.closeConfirmTitle,
          content: t.closeConfirmBody,
          okText: actionLabel('closeRefused'),
          cancelText: zhCN.app.cancel,
          onOk: () => run('closeRefused', () => closeRefused({ variables: vars })),
        });
        return;
      case 'modify':
        modifyForm.setFieldsValue({ ...c.applicant });
        setOpen('modify');
        return;
      case 'approve':
        approveForm.resetFields();
        setOpen('approve');
        return;
      case 'refuse':
        refuseForm.resetFields();
        setOpen('refuse');
        return;
      case 'settle':
        settleForm.setFieldsValue({
          householdNumber: c.outcome?.householdNumber || c.householdNumber,
          name: c.applicant.newbornName,
          sex: c.certificate.sex,
          ethnicity: c.applicant.ethnicity,
          birthDate: dayjs(c.certificate.birthTime),
          relation: c.applicant.relation,
        });
        setOpen('settle');
        return;
    }
  };

  if (c.availableActions.length === 0) {
    return <Typography.Text type="secondary">{zhCN.caseDetail.noActions}</Typography.Text>;
  }

  const close = () => setOpen(null);
  // One primary button: the next step; printing again is secondary once the form was printed.
  const main = c.availableActions.find((a) => primary.has(a) && !(a === 'print' && c.availableActions.includes('returnSigned')));
  const settleFields = ['householdNumber', 'name', 'sex', 'ethnicity', 'birthDate', 'relation'] as const;

  return (
    <>
      <Space wrap data-testid="case-actions">
        {c.availableActions.map((a) => (
          <Button key={a} type={a === main ? 'primary' : 'default'} danger={danger.has(a)} onClick={() => onClick(a)}>
            {actionLabel(a)}
          </Button>
        ))}
      </Space>

      {open === 'modify' && (
        <Modal
          open
          width={900}
          title={`${actionLabel('modify')} · ${zhCN.birth.title}`}
          okText={zhCN.app.confirm}
          cancelText={zhCN.app.cancel}
          confirmLoading={modifyState.loading}
          onCancel={close}
          onOk={() => modifyForm.submit()}
        >
          <Form<BirthApplicantInput>
            form={modifyForm}
            layout="vertical"
            onFinish={(v) =>
              run(
                'modify',
                () => modify({ variables: { ...vars, applicant: { ...v, declarantPhone: v.declarantPhone ?? '' } } }),
                fieldErrorSetter(modifyForm, applicantFields),
              )
            }
          >
            <BirthApplicantFields />
          </Form>
        </Modal>
      )}

      {open === 'approve' && (
        <Modal
          open
          title={t.approveTitle}
          okText={actionLabel('approve')}
          cancelText={zhCN.app.cancel}
          confirmLoading={approveState.loading}
          onCancel={close}
          onOk={() => approveForm.submit()}
        >
          <Form form={approveForm} layout="vertical" onFinish={(v) => run('approve', () => approve({ variables: { ...vars, note: v.note ?? '' } }))}>
            <Form.Item name="note" label={t.approveNote}>
              <Input.TextArea rows={3} placeholder={t.approveNotePlaceholder} maxLength={500} />
            </Form.Item>
          </Form>
        </Modal>
      )}

      {open === 'refuse' && (
        <Modal
          open
          title={t.refuseTitle}
          okText={actionLabel('refuse')}
          okButtonProps={{ danger: true }}
          cancelText={zhCN.app.cancel}
          confirmLoading={refuseState.loading}
          onCancel={close}
          onOk={() => refuseForm.submit()}
        >
          <Form
            form={refuseForm}
            layout="vertical"
            onFinish={(v) => {
              const reasons = v.reasons.split('\n').map((r) => r.trim()).filter(Boolean);
              return run('refuse', () => refuse({ variables: { ...vars, reasons } }), fieldErrorSetter(refuseForm, ['reasons']));
            }}
          >
            <Form.Item
              name="reasons"
              label={t.refuseReasons}
              rules={[{ required: true, whitespace: true, message: t.refuseReasonsRequired }]}
            >
              <Input.TextArea rows={4} placeholder={t.refuseReasonsPlaceholder} />
            </Form.Item>
          </Form>
        </Modal>
      )}

      {open === 'settle' && (
        <Modal
          open
          width={720}
          title={t.settleTitle}
          okText={actionLabel('settle')}
          cancelText={zhCN.app.cancel}
          confirmLoading={settleState.loading}
          onCancel={close}
          onOk={() => settleForm.submit()}
        >
          <Form<SettleValues>
            form={settleForm}
            layout="vertical"
            onFinish={(v) =>
              run(
                'settle',
                () =>
                  settle({
                    variables: {
                      ...vars,
                      input: { ...v, name: v.name.trim(), birthDate: v.birthDate.format('YYYY-MM-DD') },
                    },
                  }),
                fieldErrorSetter(settleForm, settleFields),
              )
            }
          >
            <Form.Item name="householdNumber" label={t.settleHouseholdNumber} rules={[{ required: true, message: t.required }]}>
              <Input className="hukou-mono" />
            </Form.Item>
            <Form.Item name="name" label={t.settleName} rules={[{ required: true, whitespace: true, message: t.required }]}>
              <Input maxLength={20} />
            </Form.Item>
            <Space size="large" style={{ width: '100%' }} align="start">
              <Form.Item name="sex" label={t.settleSex} rules={[{ required: true, message: t.required }]}>
                <CodeSelect kind="SEX" style={{ width: 140 }} />
              </Form.Item>
              <Form.Item name="ethnicity" label={t.settleEthnicity} rules={[{ required: true, message: t.required }]}>
                <CodeSelect kind="ETHNICITY" style={{ width: 180 }} />
              </Form.Item>
              <Form.Item name="relation" label={t.settleRelation} rules={[{ required: true, message: t.required }]}>
                <CodeSelect kind="RELATION" style={{ width: 180 }} />
              </Form.Item>
            </Space>
            <Form.Item name="birthDate" label={t.settleBirthDate} rules={[{ required: true, message: t.required }]}>
              <DatePicker format="YYYY年M月D日" style={{ width: 200 }} disabledDate={(d) => d.isAfter(dayjs(), 'day')} />
            </Form.Item>
          </Form>
        </Modal>
      )}
      {open === 'reportErrors' && (
        <Modal
          open
          width={900}
          title={t.reportTitle}
          okText={actionLabel('reportErrors')}
          cancelText={zhCN.app.cancel}
          confirmLoading={reportState.loading}
          onCancel={close}
          onOk={() => reportForm.submit()}
        >
          <Typography.Paragraph type="secondary">{t.reportHint}</Typography.Paragraph>
          <Form<ReportValues>
            form={reportForm}
            layout="vertical"
            onFinish={(v) =>
              run(
                'reportErrors',
                () =>
                  reportErrors({
                    variables: {
                      ...vars,
                      items: v.items.map((i) => ({ field: i.field, wanted: i.wanted.trim(), note: i.note?.trim() || null })),
                    },
                  }),
                itemsFieldSetter(reportForm),
              )
            }
          >
            <Form.List
              name="items"
              rules={[{ validator: async (_, items?: unknown[]) => { if (!items?.length) throw new Error(t.reportItemsRequired); } }]}
            >
              {(fields, { add, remove }, { errors }) => (
                <>
                  {fields.map((f) => (
                    <Space key={f.key} align="start" style={{ display: 'flex' }} data-testid="error-item">
                      <Form.Item name={[f.name, 'field']} label={t.reportField} rules={[{ required: true, message: t.reportFieldRequired }]}>
                        <Select style={{ width: 160 }} options={fieldOptions} placeholder={zhCN.birth.selectPlaceholder} />
                      </Form.Item>
                      <Form.Item name={[f.name, 'wanted']} label={t.reportWanted} rules={[{ required: true, whitespace: true, message: t.reportWantedRequired }]}>
                        <Input style={{ width: 240 }} maxLength={100} />
                      </Form.Item>
                      <Form.Item name={[f.name, 'note']} label={t.reportNote}>
                        <Input style={{ width: 280 }} maxLength={200} />
                      </Form.Item>
                      <Form.Item label=" ">
                        <Button icon={<DeleteOutlined />} onClick={() => remove(f.name)} disabled={fields.length === 1}>
                          {t.reportRemove}
                        </Button>
                      </Form.Item>
                    </Space>
                  ))}
                  <Button type="dashed" icon={<PlusOutlined />} onClick={() => add({ field: '', wanted: '', note: '' })}>
                    {t.reportAdd}
                  </Button>
                  <Form.ErrorList errors={errors} />
                </>
              )}
            </Form.List>
          </Form>
        </Modal>
      )}

      {open === 'returnSigned' && (
        <Modal
          open
          title={t.returnSignedTitle}
          okText={actionLabel('returnSigned')}
          cancelText={zhCN.app.cancel}
          confirmLoading={uploading}
          onCancel={close}
          onOk={() => void uploadSigned()}
        >
          <Typography.Paragraph type="secondary">{t.returnSignedHint}</Typography.Paragraph>
          <Form layout="vertical">
            <Form.Item label={t.signedFile} required validateStatus={signedError ? 'error' : undefined} help={signedError ?? undefined}>
              <Space wrap>
                <Button icon={<FolderOpenOutlined />} onClick={() => document.getElementById('signed-file')?.click()}>
                  {t.chooseFile}
                </Button>
                <Button icon={<CameraOutlined />} onClick={() => document.getElementById('signed-camera')?.click()}>
                  {t.takePhoto}
                </Button>
                {signed && <Typography.Text>{`${signed.name}（${formatBytes(signed.size)}）`}</Typography.Text>}
              </Space>
              <input id="signed-file" data-testid="signed-file" type="file" accept="image/jpeg,image/png,application/pdf" style={{ display: 'none' }}
                onChange={(e) => { setSigned(e.target.files?.[0] ?? null); setSignedError(null); }} />
              <input id="signed-camera" type="file" accept="image/*" capture="environment" style={{ display: 'none' }}
                onChange={(e) => { setSigned(e.target.files?.[0] ?? null); setSignedError(null); }} />
            </Form.Item>
          </Form>
        </Modal>
      )}

      {open === 'correctMinor' && (
        <Modal
          open
          width={640}
          title={t.correctTitle}
          okText={actionLabel('correctMinor')}
          cancelText={zhCN.app.cancel}
          confirmLoading={minorState.loading}
          onCancel={close}
          onOk={() => minorForm.submit()}
        >
          <Typography.Paragraph type="secondary">{t.correctHint}</Typography.Paragraph>
          <ErrorReport items={c.errorReport} />
          <Form<MinorValues>
            form={minorForm}
            layout="vertical"
            onFinish={(v) => {
              const changes = minorItems
                .map((f) => ({ field: f, value: (v[f] ?? '').trim() }))
                .filter((ch) => ch.value !== '');
              if (changes.length === 0) {
                setFormError(t.correctNothing);
                return;
              }
              return run('correctMinor', () => correctMinor({ variables: { ...vars, changes } }), (field, msg) =>
                field === 'changes' ? (setFormError(msg), true) : false,
              );
            }}
          >
            <Form.Item name="formerNames" label={t.correctFormerNames}>
              <Input maxLength={50} />
            </Form.Item>
            <Form.Item name="relation" label={t.correctRelation}>
              <CodeSelect kind="RELATION" allowClear style={{ width: 240 }} />
            </Form.Item>
            <Form.Item name="birthplaceDivision" label={t.correctBirthplace}
              rules={[{ pattern: /^\d{6}$/, message: t.correctBirthplaceFormat }]}>
              <Input className="hukou-mono" maxLength={6} style={{ width: 160 }} />
            </Form.Item>
          </Form>
          {formError && <Alert type="error" showIcon message={formError} />}
        </Modal>
      )}

      {open === 'requestMajorChange' && (
        <Modal
          open
          width={640}
          title={t.majorTitle}
          okText={actionLabel('requestMajorChange')}
          cancelText={zhCN.app.cancel}
          confirmLoading={majorState.loading}
          onCancel={close}
          onOk={() => majorForm.submit()}
        >
          <ErrorReport items={c.errorReport} />
          <Form<MajorValues>
            form={majorForm}
            layout="vertical"
            onFinish={(v) => {
              const value = v.field === 'birthDate' ? (v.date?.format('YYYY-MM-DD') ?? '') : (v.value ?? '').trim();
              return run(
                'requestMajorChange',
                () => requestMajor({ variables: { ...vars, input: { field: v.field, value, reason: v.reason.trim() } } }),
                (field, msg) => {
                  const name = field === 'value' && v.field === 'birthDate' ? 'date' : field;
                  if (!['field', 'value', 'date', 'reason'].includes(name)) return false;
                  majorForm.setFields([{ name: name as keyof MajorValues, errors: [msg] }]);
                  return true;
                },
              );
            }}
          >
            <Form.Item name="field" label={t.majorField} rules={[{ required: true, message: t.required }]}>
              <Select options={majorOptions} style={{ width: 200 }} placeholder={zhCN.birth.selectPlaceholder} />
            </Form.Item>
            <Form.Item noStyle shouldUpdate={(a, b) => a.field !== b.field}>
              {({ getFieldValue }) => {
                const f = getFieldValue('field') as string | undefined;
                if (f === 'birthDate')
                  return (
                    <Form.Item name="date" label={t.majorValue} rules={[{ required: true, message: t.required }]}>
                      <DatePicker format="YYYY年M月D日" style={{ width: 200 }} disabledDate={(d) => d.isAfter(dayjs(), 'day')} />
                    </Form.Item>
                  );
                return (
                  <Form.Item name="value" label={t.majorValue} rules={[{ required: true, whitespace: true, message: t.required }]}>
                    {f === 'sex' ? (
                      <Select options={sexOptions} style={{ width: 140 }} placeholder={zhCN.birth.selectPlaceholder} />
                    ) : f === 'ethnicity' ? (
                      <CodeSelect kind="ETHNICITY" style={{ width: 200 }} />
                    ) : (
                      <Input className={f === 'idNumber' ? 'hukou-mono' : undefined} maxLength={f === 'idNumber' ? 18 : 20} />
                    )}
                  </Form.Item>
                );
              }}
            </Form.Item>
            <Form.Item name="reason" label={t.majorReason} rules={[{ required: true, whitespace: true, message: t.majorReasonRequired }]}>
              <Input.TextArea rows={3} maxLength={500} />
            </Form.Item>
          </Form>
        </Modal>
      )}

      {open === 'rejectMajorChange' && (
        <Modal
          open
          title={t.rejectMajorTitle}
          okText={actionLabel('rejectMajorChange')}
          okButtonProps={{ danger: true }}
          cancelText={zhCN.app.cancel}
          confirmLoading={rejectState.loading}
          onCancel={close}
          onOk={() => rejectForm.submit()}
        >
          {c.pendingChange && <PendingChange change={c.pendingChange} />}
          <Form
            form={rejectForm}
            layout="vertical"
            style={{ marginTop: 12 }}
            onFinish={(v) =>
              run('rejectMajorChange', () => rejectMajor({ variables: { ...vars, reason: v.reason.trim() } }),
                fieldErrorSetter(rejectForm, ['reason']))
            }
          >
            <Form.Item name="reason" label={t.rejectReason} rules={[{ required: true, whitespace: true, message: t.rejectReasonRequired }]}>
              <Input.TextArea rows={3} maxLength={500} />
            </Form.Item>
          </Form>
        </Modal>
      )}
    </>
  );
}

type ErrorItem = CaseDetailFragment['errorReport'][number];
type Pending = NonNullable<CaseDetailFragment['pendingChange']>;

/** fieldValueLabel shows a form field's value in words where it is a code. */
function fieldValueLabel(field: string, value: string): string {
  if (field === 'sex') return zhCN.sex[value] ?? value;
  return value;
}

/** ErrorReport lists the errors the applicant reported. */
export function ErrorReport({ items }: { items: readonly ErrorItem[] }) {
  if (items.length === 0) return null;
  return (
    <Descriptions title={t.reportedErrors} size="small" column={1} bordered style={{ marginBottom: 12 }} labelStyle={{ width: 130 }}>
      {items.map((it, i) => (
        <Descriptions.Item key={`${it.field}-${i}`} label={zhCN.formFields[it.field] ?? it.field}>
          {`${t.reportWanted}：${fieldValueLabel(it.field, it.wanted)}`}
          {it.note ? `（${it.note}）` : ''}
        </Descriptions.Item>
      ))}
    </Descriptions>
  );
}

/** PendingChange shows the major-item change waiting for an approver. */
export function PendingChange({ change }: { change: Pending }) {
  return (
    <Descriptions title={t.pendingChange} size="small" column={1} bordered labelStyle={{ width: 130 }}>
      <Descriptions.Item label={t.majorField}>{zhCN.formFields[change.field] ?? change.field}</Descriptions.Item>
      <Descriptions.Item label={t.majorValue}>{fieldValueLabel(change.field, change.value)}</Descriptions.Item>
      <Descriptions.Item label={t.majorReason}>{change.reason}</Descriptions.Item>
      <Descriptions.Item label={t.requestedBy}>{change.requestedBy}</Descriptions.Item>
    </Descriptions>
  );
}
