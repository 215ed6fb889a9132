import { useState } from 'react';
import { Alert, App, Button, Card, Col, Descriptions, Form, Input, Row, Space, Steps } from 'antd';
import { useLazyQuery, useMutation } from '@apollo/client/react';
import { useNavigate } from 'react-router';
import {
  MigrationHouseholdDocument,
  MigrationLookupDocument,
  StartMigrationDocument,
  type CaseDetailFragment,
  type MigrationHouseholdFragment,
  type MigrationLookupQuery,
} from '../../../graphql/generated/graphql';
import { paths } from '../../../app/paths';
import { useSession } from '../../../app/session';
import { useSessionStore } from '../../../app/context';
import { MinistryChecks } from '../../../components/MinistryChecks';
import { applyError } from '../../../lib/errors';
import { fieldErrorSetter } from '../../../lib/forms';
import { validateIdNumber } from '../../../lib/idnumber';
import { zhCN } from '../../../locales/zh-CN';
import { ReadCardButton } from '../../intake/ReadCardButton';
import { useIntakeDraft } from '../../intake/IntakeDraft';
import { MigrationHouseholdTable } from '../MigrationHouseholdTable';
import { applicantFields, MigrationApplicantFields, toInput, type ApplicantValues } from './MigrationApplicantFields';

const t = zhCN.migration;
const mono = (v: string) => <span className="hukou-mono hukou-nowrap">{v}</span>;

/**
 * MigrationIntakeWizard is the migration intake in steps (1.1.3): the
 * Ministry's household of the applicant first (nothing saved), then the
 * migration's data beside it — checked against the Ministry, this office's
 * register and the destination's settlement policy before saving; saving
 * opens the case page, where the materials are captured and the case is
 * submitted.
 */
export function MigrationIntakeWizard({ onCreated }: { onCreated: (c: CaseDetailFragment) => void }) {
  const [lookupForm] = Form.useForm<{ applicantIdNumber: string }>();
  const [form] = Form.useForm<ApplicantValues>();
  useIntakeDraft('migrationLookup', lookupForm);
  useIntakeDraft('migrationApplicant', form);
  const { message } = App.useApp();
  const navigate = useNavigate();
  const session = useSession(useSessionStore());
  const [step, setStep] = useState(0);
  const [household, setHousehold] = useState<MigrationHouseholdFragment | null>(null);
  const [checked, setChecked] = useState<MigrationLookupQuery['migrationLookup'] | null>(null);
  const [findHousehold, { loading: finding }] = useLazyQuery(MigrationHouseholdDocument, { fetchPolicy: 'network-only' });
  const [check, { loading: checking }] = useLazyQuery(MigrationLookupDocument, { fetchPolicy: 'network-only' });
  const [start, { loading: saving }] = useMutation(StartMigrationDocument);
  const fail = (setFieldError: ReturnType<typeof fieldErrorSetter>) => (e: unknown) =>
    applyError(e, {
      notify: (msg) => void message.error(msg),
      setFieldError,
      toLogin: () => void navigate(paths.login),
    });

  const onLookup = async (v: { applicantIdNumber: string }) => {
    setHousehold(null);
    const id = v.applicantIdNumber.trim().toUpperCase();
    try {
      const { data, error } = await findHousehold({ variables: { applicantIdNumber: id } });
      if (error) fail(fieldErrorSetter(lookupForm, ['applicantIdNumber']))(error);
      else if (data) {
        setHousehold(data.migrationHousehold);
        form.setFieldsValue({ applicantIdNumber: id, movers: [id], division: session?.user.office.code.slice(0, 6) ?? '' });
      }
    } catch (e) {
      fail(fieldErrorSetter(lookupForm, ['applicantIdNumber']))(e);
    }
  };
  const onCheck = async () => {
    setChecked(null);
    const v = await form.validateFields();
    try {
      const { data, error } = await check({ variables: { applicant: toInput(v) } });
      if (error) fail(fieldErrorSetter(form, [...applicantFields]))(error);
      else if (data) setChecked(data.migrationLookup);
    } catch (e) {
      fail(fieldErrorSetter(form, [...applicantFields]))(e);
    }
  };
  const onFinish = async (v: ApplicantValues) => {
    try {
      const { data } = await start({ variables: { input: { applicant: toInput(v) } } });
      if (data) {
        void message.success(`${zhCN.birth.saved} ${data.startMigration.collabNo}`);
        onCreated(data.startMigration);
      }
    } catch (e) {
      fail(fieldErrorSetter(form, [...applicantFields]))(e);
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
        ]}
      />
      {step === 0 && (
        <>
          <Card title={t.stepLookup} style={{ marginBottom: 16 }}>
            <Alert type="info" showIcon message={t.lookupHint} style={{ marginBottom: 16 }} />
            <Form form={lookupForm} layout="inline" onFinish={(v) => void onLookup(v)} onValuesChange={() => setHousehold(null)}>
              <Form.Item
                name="applicantIdNumber"
                label={t.applicantIdNumber}
                rules={[
                  { required: true, whitespace: true, message: t.applicantIdNumberRequired },
                  {
                    validator: (_, value: unknown) => {
                      if (typeof value !== 'string' || value.trim() === '') return Promise.resolve();
                      const r = validateIdNumber(value.trim());
                      return r.ok ? Promise.resolve() : Promise.reject(new Error(r.message));
                    },
                  },
                ]}
              >
                <Input className="hukou-mono" maxLength={18} style={{ width: 260 }} />
              </Form.Item>
              <Form.Item>
                <ReadCardButton fields={{ idNumber: 'applicantIdNumber' }} />
              </Form.Item>
              <Form.Item>
                <Button type="primary" htmlType="submit" loading={finding}>
                  {t.lookup}
                </Button>
              </Form.Item>
            </Form>
          </Card>
          {household && (
            <>
              <Descriptions title={t.household} size="small" column={2} bordered style={{ marginBottom: 12 }}>
                <Descriptions.Item label={t.householdNumber}>{mono(household.number)}</Descriptions.Item>
                <Descriptions.Item label={t.registrationOffice}>{mono(household.officeCode)}</Descriptions.Item>
                <Descriptions.Item label={t.householdAddress}>{household.address}</Descriptions.Item>
                <Descriptions.Item label={t.urbanRural}>{mono(household.urbanRural)}</Descriptions.Item>
              </Descriptions>
              <MigrationHouseholdTable members={household.members} movers={[]} />
              <Space style={{ width: '100%', justifyContent: 'flex-end', marginTop: 16 }}>
                <Button type="primary" size="large" onClick={() => setStep(1)}>
                  {t.next}
                </Button>
              </Space>
            </>
          )}
        </>
      )}
      {step === 1 && household && (
        <Row gutter={16}>
          <Col span={14}>
            <Card title={t.stepForm}>
              <Form form={form} layout="vertical" onFinish={(v) => void onFinish(v)} onValuesChange={() => setChecked(null)}>
                <MigrationApplicantFields members={household.members} />
                <Space>
                  <Button onClick={() => setStep(0)}>{t.back}</Button>
                  <Button onClick={() => void onCheck()} loading={checking}>
                    {t.check}
                  </Button>
                  <Button type="primary" htmlType="submit" loading={saving}>
                    {t.submit}
                  </Button>
                </Space>
              </Form>
            </Card>
          </Col>
          <Col span={10}>
            <Alert type="info" showIcon message={t.checkHint} style={{ marginBottom: 12 }} />
            {checked && (
              <div data-testid="migration-checks">
                <Alert type="success" showIcon message={t.checkDone} style={{ marginBottom: 12 }} />
                <MinistryChecks checks={checked.ministryChecks} />
                <Descriptions size="small" column={1} bordered>
                  <Descriptions.Item label={t.homeClass}>{mono(checked.homeClass)}</Descriptions.Item>
                  <Descriptions.Item label={t.destClass}>{mono(checked.destClass)}</Descriptions.Item>
                  <Descriptions.Item label={t.destAddress}>{checked.destAddress}</Descriptions.Item>
                  {checked.kinName ? <Descriptions.Item label={t.kinName}>{checked.kinName}</Descriptions.Item> : null}
                </Descriptions>
              </div>
            )}
          </Col>
        </Row>
      )}
    </>
  );
}
