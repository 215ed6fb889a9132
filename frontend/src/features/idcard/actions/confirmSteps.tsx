// ID card steps without input: each asks for confirmation, then runs its mutation.
import { Descriptions } from 'antd';
import { useMutation } from '@apollo/client/react';
import { CloseIdCardApplicationDocument, PackageIdCardApplicationDocument, WriteBackIdCardIssueDocument } from '../../../graphql/generated/graphql';
import { zhCN } from '../../../locales/zh-CN';
import { ConfirmStep, stepInput, type StepProps } from '../../case/steps';
import { idCardOf } from '../details';

const t = zhCN.idCard;

/** WriteBackStep writes validity, authority and issue date into the application and syncs R (1.1.11). */
export function WriteBackStep({ c, ...p }: StepProps) {
  const [writeBack] = useMutation(WriteBackIdCardIssueDocument);
  const is = idCardOf(c).outcome?.issue;
  return (
    <ConfirmStep
      {...p}
      title={t.writeBackTitle}
      content={
        <>
          <p>{t.writeBackBody}</p>
          {is && (
            <Descriptions size="small" column={1} bordered>
              <Descriptions.Item label={t.validity}>
                {is.validFrom} — {is.longTerm ? t.longTerm : is.validUntil}
              </Descriptions.Item>
              <Descriptions.Item label={t.authority}>{is.authority}</Descriptions.Item>
              <Descriptions.Item label={t.issuedOn}>{is.issuedOn}</Descriptions.Item>
            </Descriptions>
          )}
        </>
      }
      onOk={() => writeBack({ variables: { input: stepInput(c) } })}
    />
  );
}

/** PackageStep packages the application and uploads it to the production centre (2.2.9). */
export function PackageStep({ c, ...p }: StepProps) {
  const [pack] = useMutation(PackageIdCardApplicationDocument);
  return <ConfirmStep {...p} title={t.packageTitle} content={t.packageBody} onOk={() => pack({ variables: { input: stepInput(c) } })} />;
}

/** CloseStep closes the registration office's copy once the collection record arrived (1.3.11). */
export function CloseStep({ c, ...p }: StepProps) {
  const [close] = useMutation(CloseIdCardApplicationDocument);
  return <ConfirmStep {...p} title={t.closeTitle} content={t.closeBody} onOk={() => close({ variables: { input: stepInput(c) } })} />;
}
