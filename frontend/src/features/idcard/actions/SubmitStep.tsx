import { useState } from 'react';
import { Alert, Checkbox } from 'antd';
import { useMutation, useQuery } from '@apollo/client/react';
import { IdCardSettingsDocument, SubmitIdCardApplicationDocument } from '../../../graphql/generated/graphql';
import { useFileLinks } from '../../../lib/files';
import { zhCN } from '../../../locales/zh-CN';
import { DialogStep, StepModal, type StepDialogProps, type StepProps } from '../../case/steps';
import { idCardOf, photoFile } from '../details';
import { Summary } from '../Summary';

const t = zhCN.idCard;

function SubmitDialog({ c, action, run, close }: StepDialogProps) {
  const d = idCardOf(c);
  const a = d.applicant;
  const [confirmed, setConfirmed] = useState(false);
  const [shown, setShown] = useState(false);
  const [submit, { loading }] = useMutation(SubmitIdCardApplicationDocument);
  const settings = useQuery(IdCardSettingsDocument).data?.idCardSettings;
  const photo = photoFile(c);
  const links = useFileLinks(photo ? [photo.id] : []);
  const onOk = () => {
    setShown(true);
    if (confirmed) void run(() => submit({ variables: { input: { id: c.id, version: c.version, confirmed: true } } }));
  };
  return (
    <StepModal action={action} title={t.confirmTitle} width={760} loading={loading} onCancel={close} onOk={onOk}>
      <Alert type="info" showIcon message={t.confirmHint} style={{ marginBottom: 12 }} />
      <Summary
        name={d.person.name}
        idNumber={a.idNumber}
        kind={d.kindName}
        reason={d.reasonName}
        phone={a.phone ?? ''}
        pickup={a.pickup}
        postAddress={a.postAddress}
        postRecipient={a.postRecipient}
        postCode={a.postCode}
        photoUrl={photo ? links.get(photo.id)?.url : undefined}
        fingers={a.fingerprints}
        fingerCodes={settings?.fingerCodes ?? []}
      />
      <Checkbox style={{ marginTop: 16 }} checked={confirmed} onChange={(e) => setConfirmed(e.target.checked)} data-testid="idcard-confirmed">
        {t.confirmed}
      </Checkbox>
      {shown && !confirmed && <Alert type="error" showIcon message={t.confirmRequired} style={{ marginTop: 8 }} />}
    </StepModal>
  );
}

/** SubmitStep shows the applicant everything to confirm (1.1.9) and submits with the materials (1.1.10). */
export function SubmitStep(p: StepProps) {
  return <DialogStep {...p} dialog={(d) => <SubmitDialog {...d} />} />;
}
