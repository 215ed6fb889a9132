// The fields of a matter certificate (1.1.6, 1.2.3), shared by the intake and
// the modify step: the matter type (the server's list, as data) decides how
// many persons and which facts are asked for.
import { Button, Form, Input, Select, Space } from 'antd';
import { MinusCircleOutlined, PlusOutlined } from '@ant-design/icons';
import { useQuery } from '@apollo/client/react';
import { CertificateMatterTypesDocument, type CertificateMatterFragment, type CertificateMatterInput } from '../../../graphql/generated/graphql';
import { zhCN } from '../../../locales/zh-CN';
import { ReadCardButton } from '../../intake/ReadCardButton';

const t = zhCN.certificate;

/** matterFields are the form's field names, for server field errors (fieldErrorSetter). */
export const matterFields = [
  'matterType',
  'persons',
  'statement',
  'purpose',
  'relation',
  'otherName',
  'address',
  'period',
  'applicantName',
  'applicantIdNumber',
  'applicantPhone',
  'registrationOffice',
] as const;

const factLabels: Record<string, string> = { relation: t.relation, otherName: t.otherName, address: t.address, period: t.period };

/** toMatterInput keeps only the facts the chosen type needs (the server refuses the others). */
export function toMatterInput(v: CertificateMatterInput, needs: readonly string[]): CertificateMatterInput {
  const out: CertificateMatterInput = { ...v, persons: v.persons.map((p) => ({ idNumber: p.idNumber.trim(), name: p.name.trim() })) };
  for (const f of Object.keys(factLabels) as (keyof CertificateMatterInput)[]) {
    if (!needs.includes(f)) (out as Record<string, unknown>)[f] = '';
  }
  return out;
}

/** matterInput is a stored matter as the form's values (the input type, without the response's type names). */
export function matterInput(m: CertificateMatterFragment): CertificateMatterInput {
  return {
    matterType: m.matterType,
    persons: m.persons.map(({ idNumber, name }) => ({ idNumber, name })),
    statement: m.statement,
    purpose: m.purpose,
    relation: m.relation ?? '',
    otherName: m.otherName ?? '',
    address: m.address ?? '',
    period: m.period ?? '',
    applicantName: m.applicantName,
    applicantIdNumber: m.applicantIdNumber,
    applicantPhone: m.applicantPhone ?? '',
    registrationOffice: m.registrationOffice ?? '',
  };
}

/** useMatterTypes returns the matter types the server lists. */
export function useMatterTypes() {
  const { data } = useQuery(CertificateMatterTypesDocument);
  return data?.certificateMatterTypes ?? [];
}

/** MatterFields are the form items; the enclosing Form holds a CertificateMatterInput. */
export function MatterFields({ withOffice = true }: { withOffice?: boolean }) {
  const types = useMatterTypes();
  const required = [{ required: true, whitespace: true, message: t.required }];
  return (
    <>
      <Form.Item name="matterType" label={t.matterType} rules={[{ required: true, message: t.required }]}>
        <Select options={types.map((m) => ({ value: m.code, label: m.title }))} placeholder={zhCN.app.selectPlaceholder} />
      </Form.Item>
      <Form.List name="persons">
        {(fields, { add, remove }) => (
          <Form.Item label={t.persons}>
            {fields.map((f) => (
              <Space key={f.key} align="baseline" style={{ display: 'flex' }}>
                <Form.Item name={[f.name, 'name']} rules={required}>
                  <Input placeholder={t.personName} aria-label={`${t.personName}${f.name + 1}`} />
                </Form.Item>
                <Form.Item name={[f.name, 'idNumber']} rules={required}>
                  <Input placeholder={t.personIdNumber} aria-label={`${t.personIdNumber}${f.name + 1}`} style={{ width: 220 }} />
                </Form.Item>
                {fields.length > 1 && <MinusCircleOutlined aria-label={t.removePerson} onClick={() => remove(f.name)} />}
              </Space>
            ))}
            <Button type="dashed" icon={<PlusOutlined />} onClick={() => add({ idNumber: '', name: '' })}>
              {t.addPerson}
            </Button>
          </Form.Item>
        )}
      </Form.List>
      <Form.Item noStyle shouldUpdate={(a: CertificateMatterInput, b: CertificateMatterInput) => a.matterType !== b.matterType}>
        {({ getFieldValue }) => {
          const needs = types.find((m) => m.code === getFieldValue('matterType'))?.needs ?? [];
          return needs.map((f) => (
            <Form.Item key={f} name={f} label={factLabels[f] ?? f} rules={required}>
              <Input />
            </Form.Item>
          ));
        }}
      </Form.Item>
      <Form.Item name="statement" label={t.statement} rules={required}>
        <Input.TextArea rows={2} maxLength={500} />
      </Form.Item>
      <Form.Item name="purpose" label={t.purpose} rules={required}>
        <Input maxLength={200} />
      </Form.Item>
      <div style={{ marginBottom: 8 }}>
        <ReadCardButton fields={{ name: 'applicantName', idNumber: 'applicantIdNumber' }} />
      </div>
      <Form.Item name="applicantName" label={t.applicantName} rules={required}>
        <Input />
      </Form.Item>
      <Form.Item name="applicantIdNumber" label={t.applicantIdNumber} rules={required}>
        <Input />
      </Form.Item>
      <Form.Item name="applicantPhone" label={t.applicantPhone}>
        <Input />
      </Form.Item>
      {withOffice && (
        <Form.Item name="registrationOffice" label={t.registrationOffice} extra={t.registrationOfficeHint}>
          <Input maxLength={12} />
        </Form.Item>
      )}
    </>
  );
}
