import { Form } from 'antd';
import { useMutation } from '@apollo/client/react';
import { ModifyBirthRegistrationDocument, type BirthApplicantInput } from '../../../graphql/generated/graphql';
import { fieldErrorSetter } from '../../../lib/forms';
import { actionLabel, zhCN } from '../../../locales/zh-CN';
import { DialogStep, StepModal, type StepDialogProps, type StepProps } from '../../case/steps';
import { birthOf } from '../details';
import { applicantFields, BirthApplicantFields } from '../intake/BirthApplicantFields';

function ModifyDialog({ c, action, run, close }: StepDialogProps) {
  const [form] = Form.useForm<BirthApplicantInput>();
  const [modify, { loading }] = useMutation(ModifyBirthRegistrationDocument);
  const onFinish = (v: BirthApplicantInput) =>
    void run(
      () => modify({ variables: { input: { id: c.id, version: c.version, applicant: { ...v, declarantPhone: v.declarantPhone ?? '' } } } }),
      fieldErrorSetter(form, applicantFields),
    );
  return (
    <StepModal action={action} width={900} title={`${actionLabel(action)} · ${zhCN.birth.title}`} okText={zhCN.app.confirm}
      loading={loading} onCancel={close} onOk={() => form.submit()}>
      <Form<BirthApplicantInput> form={form} layout="vertical" initialValues={{ ...birthOf(c).applicant }} onFinish={onFinish}>
        <BirthApplicantFields />
      </Form>
    </StepModal>
  );
}

/** ModifyStep changes what the clerk entered, until the application is submitted (1.2.1). */
export function ModifyStep(p: StepProps) {
  return <DialogStep {...p} dialog={(d) => <ModifyDialog {...d} />} />;
}
