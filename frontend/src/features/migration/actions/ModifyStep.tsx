import { Form } from 'antd';
import { useMutation } from '@apollo/client/react';
import { ModifyMigrationDocument } from '../../../graphql/generated/graphql';
import { fieldErrorSetter } from '../../../lib/forms';
import { zhCN } from '../../../locales/zh-CN';
import { DialogStep, StepModal, type StepDialogProps, type StepProps } from '../../case/steps';
import { migrationOf } from '../details';
import { applicantFields, MigrationApplicantFields, toInput, type ApplicantValues } from '../intake/MigrationApplicantFields';

function ModifyDialog({ c, action, run, close }: StepDialogProps) {
  const d = migrationOf(c);
  const [form] = Form.useForm<ApplicantValues>();
  const [modify, { loading }] = useMutation(ModifyMigrationDocument);
  const a = d.applicant;
  const initial: ApplicantValues = { ...a, movers: [...a.movers], kinIdNumber: a.kinIdNumber ?? '', householdNumber: a.householdNumber ?? '',
    division: a.division ?? '', address: a.address ?? '', reason: a.reason ?? '', phone: a.phone ?? '' };
  const onFinish = (v: ApplicantValues) =>
    void run(() => modify({ variables: { input: { id: c.id, version: c.version, applicant: toInput({ ...v, movers: [...a.movers] }) } } }),
      fieldErrorSetter(form, [...applicantFields]));
  return (
    <StepModal action={action} title={zhCN.migration.modifyTitle} width={720} loading={loading} onCancel={close} onOk={() => form.submit()}>
      <Form form={form} layout="vertical" initialValues={initial} onFinish={onFinish}>
        <MigrationApplicantFields members={d.household?.members ?? []} moversFixed />
      </Form>
    </StepModal>
  );
}

/** ModifyStep changes the clerk-entered data before submission (1.2.2); the applicant and the movers are fixed. */
export function ModifyStep(p: StepProps) {
  return <DialogStep {...p} dialog={(d) => <ModifyDialog {...d} />} />;
}
