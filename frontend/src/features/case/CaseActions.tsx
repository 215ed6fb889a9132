import { useState } from 'react';
import { App, Button, DatePicker, Form, Input, Modal, Space, Tooltip, Typography } from 'antd';
import { useMutation } from '@apollo/client/react';
import { useNavigate } from 'react-router';
import dayjs, { type Dayjs } from 'dayjs';
import {
  ApproveBirthRegistrationDocument,
  CloseRefusedBirthRegistrationDocument,
  ModifyBirthRegistrationDocument,
  RefuseBirthRegistrationDocument,
  SettleBirthRegistrationDocument,
  SubmitBirthRegistrationDocument,
  type BirthApplicantInput,
  type CaseDetailFragment,
} from '../../graphql/generated/graphql';
import { applyError } from '../../lib/errors';
import { fieldErrorSetter } from '../../lib/forms';
import { actionLabel, zhCN } from '../../locales/zh-CN';
import { applicantFields, BirthApplicantFields } from '../birth/BirthApplicantFields';
import { CodeSelect } from '../birth/CodeSelect';

const t = zhCN.modals;

/** Actions this screen can carry out; any other action from availableActions is shown but not yet wired. */
const wired = new Set(['modify', 'submit', 'approve', 'refuse', 'settle', 'closeRefused']);
const primary = new Set(['submit', 'approve', 'settle']);
const danger = new Set(['refuse']);

type ModalKind = 'modify' | 'approve' | 'refuse' | 'settle' | null;

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

  const [submit] = useMutation(SubmitBirthRegistrationDocument);
  const [approve, approveState] = useMutation(ApproveBirthRegistrationDocument);
  const [refuse, refuseState] = useMutation(RefuseBirthRegistrationDocument);
  const [settle, settleState] = useMutation(SettleBirthRegistrationDocument);
  const [closeRefused] = useMutation(CloseRefusedBirthRegistrationDocument);
  const [modify, modifyState] = useMutation(ModifyBirthRegistrationDocument);

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

  const onClick = (action: string) => {
    switch (action) {
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
  const settleFields = ['householdNumber', 'name', 'sex', 'ethnicity', 'birthDate', 'relation'] as const;

  return (
    <>
      <Space wrap data-testid="case-actions">
        {c.availableActions.map((a) =>
          wired.has(a) ? (
            <Button key={a} type={primary.has(a) ? 'primary' : 'default'} danger={danger.has(a)} onClick={() => onClick(a)}>
              {actionLabel(a)}
            </Button>
          ) : (
            <Tooltip key={a} title={t.notYetAvailable}>
              <Button disabled>{actionLabel(a)}</Button>
            </Tooltip>
          ),
        )}
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
              <DatePicker format="YYYY年M月D日" disabledDate={(d) => d.isAfter(dayjs(), 'day')} />
            </Form.Item>
          </Form>
        </Modal>
      )}
    </>
  );
}
