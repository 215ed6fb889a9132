// The case engine's half of a workflow step in the SPA: a kind's step is a
// component (its button and, where it asks for input, its dialog) built from
// these pieces; features/kinds.ts maps each step name to it. The server
// decides which steps exist for the user (availableActions); nothing here
// knows a kind.
import { useState, type ReactNode } from 'react';
import { App, Button, Modal } from 'antd';
import { useNavigate } from 'react-router';
import type { CaseActionName, CaseDetailFragment, CaseStepInput } from '../../graphql/generated/graphql';
import { paths } from '../../app/paths';
import { applyError } from '../../lib/errors';
import { actionLabel, zhCN } from '../../locales/zh-CN';
import { usePageErrors } from '../../lib/pageErrors';

/** What the case page gives a kind's step component. */
export interface StepProps {
  c: CaseDetailFragment;
  /** The step, as availableActions names it. */
  action: CaseActionName;
  /** Whether this is the case's one primary button (the next step). */
  main: boolean;
  /** Reloads the case (after a conflict or an upload outside Apollo). */
  onRefresh: () => void;
}

/** FieldErrorSetter puts a server field error on a form field; false when the form has no such field. */
export type FieldErrorSetter = (field: string, message: string) => boolean;

/** RunStep performs a step's mutation; it resolves true when the step succeeded. */
export type RunStep = (fn: () => Promise<unknown>, setFieldError?: FieldErrorSetter) => Promise<boolean>;

/** stepInput is the CaseStepInput of a step taken on the case as the user saw it. */
export function stepInput(c: Pick<CaseDetailFragment, 'id' | 'version'>, note = ''): CaseStepInput {
  return { id: c.id, version: c.version, note };
}

/**
 * useRunStep returns run: it performs a step, reports success in Chinese and
 * routes errors through lib/errors (a conflict reloads the case); a field
 * error goes to the step's form (setFieldError) or, when the form lacks the
 * field, to the case page's panel showing it (pageErrors.tsx, such as the
 * materials of a refused submission); onSuccess runs after a successful step
 * (closing its dialog).
 */
export function useRunStep(action: CaseActionName, onRefresh: () => void, onSuccess?: () => void, onStale?: () => void): RunStep {
  const { message } = App.useApp();
  const navigate = useNavigate();
  const page = usePageErrors();
  return async (fn, setFieldError) => {
    try {
      await fn();
      page.clear();
      void message.success(zhCN.caseDetail.done(actionLabel(action)));
      onSuccess?.();
      return true;
    } catch (e) {
      const outcome = applyError(e, {
        notify: (msg) => void message.error(msg),
        setFieldError: (field, msg) => (setFieldError?.(field, msg) ?? false) || page.set(field, msg),
        refresh: onRefresh,
        toLogin: () => void navigate(paths.login),
      });
      if (outcome.kind === 'refresh') onStale?.();
      return false;
    }
  };
}

/** StepButton is a step's button, labelled with the step's Chinese name. */
export function StepButton({ action, main, danger, onClick }: { action: CaseActionName; main: boolean; danger?: boolean; onClick: () => void }) {
  return (
    <Button type={main ? 'primary' : 'default'} danger={danger} onClick={onClick}>
      {actionLabel(action)}
    </Button>
  );
}

/** ConfirmStep is a step without input: its button asks for confirmation, then runs onOk. */
export function ConfirmStep({
  action,
  main,
  danger,
  onRefresh,
  title,
  content,
  onOk,
}: Omit<StepProps, 'c'> & { danger?: boolean; title: string; content: ReactNode; onOk: () => Promise<unknown> }) {
  const { modal } = App.useApp();
  const run = useRunStep(action, onRefresh);
  const open = () => {
    modal.confirm({
      title,
      content,
      okText: actionLabel(action),
      okButtonProps: { danger },
      cancelText: zhCN.app.cancel,
      onOk: () => run(onOk),
    });
  };
  return <StepButton action={action} main={main} danger={danger} onClick={open} />;
}

/** What a step's dialog gets: the case, the step, run (which closes the dialog on success) and close. */
export interface StepDialogProps {
  c: CaseDetailFragment;
  action: CaseActionName;
  run: RunStep;
  close: () => void;
  /** Reloads the case (after a step sent outside Apollo, such as an upload). */
  refresh: () => void;
}

/**
 * DialogStep is a step that asks for input: its button mounts dialog, fresh
 * each time it opens (so forms start from the case as it is now).
 */
export function DialogStep({ c, action, main, onRefresh, danger, dialog }: StepProps & { danger?: boolean; dialog: (p: StepDialogProps) => ReactNode }) {
  const [open, setOpen] = useState(false);
  const close = () => setOpen(false);
  const run = useRunStep(action, onRefresh, close, close);
  return (
    <>
      <StepButton action={action} main={main} danger={danger} onClick={() => setOpen(true)} />
      {open && dialog({ c, action, run, close, refresh: onRefresh })}
    </>
  );
}

/** StepModal is a step's dialog: OK is labelled with the step, Cancel closes it. */
export function StepModal({
  action,
  title,
  width,
  danger,
  loading,
  okText,
  onOk,
  onCancel,
  children,
}: {
  action: CaseActionName;
  title: string;
  /** OK's label when it is not the step's name. */
  okText?: string;
  width?: number;
  danger?: boolean;
  loading?: boolean;
  onOk: () => void;
  onCancel: () => void;
  children: ReactNode;
}) {
  return (
    <Modal
      open
      width={width}
      title={title}
      okText={okText ?? actionLabel(action)}
      okButtonProps={danger ? { danger: true } : undefined}
      cancelText={zhCN.app.cancel}
      confirmLoading={loading}
      onCancel={onCancel}
      onOk={onOk}
    >
      {children}
    </Modal>
  );
}
