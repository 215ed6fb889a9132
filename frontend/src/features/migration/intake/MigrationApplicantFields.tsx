import { Checkbox, Form, Input, Radio, Select, Space, Tag, Typography } from 'antd';
import type { Rule } from 'antd/es/form';
import { useQuery } from '@apollo/client/react';
import { MigrationCategoriesDocument, type MigrationApplicantInput, type MigrationPersonFragment } from '../../../graphql/generated/graphql';
import { validateIdNumber } from '../../../lib/idnumber';
import { zhCN } from '../../../locales/zh-CN';
import { radioGroup } from '../../../components/radioGroup';
import { CheckboxGroupField } from '../../../components/CheckboxGroupField';

const t = zhCN.migration;

/** The clerk-entered fields of a migration, named as the server names them (MigrationApplicantInput). */
export const applicantFields = [
  'applicantIdNumber',
  'category',
  'movers',
  'kinIdNumber',
  'way',
  'householdNumber',
  'headConsent',
  'division',
  'address',
  'reason',
  'phone',
] as const;

export type ApplicantValues = Omit<MigrationApplicantInput, 'movers'> & { movers: string[] };

const idNumberRule: Rule = {
  validator: (_, value: unknown) => {
    if (typeof value !== 'string' || value === '') return Promise.resolve();
    const r = validateIdNumber(value.trim());
    return r.ok ? Promise.resolve() : Promise.reject(new Error(r.message));
  },
};

/** toInput is the MigrationApplicantInput of the form's values. */
export function toInput(v: ApplicantValues): MigrationApplicantInput {
  return {
    applicantIdNumber: v.applicantIdNumber.trim().toUpperCase(),
    category: v.category,
    movers: v.movers,
    kinIdNumber: (v.kinIdNumber ?? '').trim().toUpperCase(),
    way: v.way,
    householdNumber: (v.householdNumber ?? '').trim(),
    headConsent: v.headConsent ?? false,
    division: (v.division ?? '').trim(),
    address: (v.address ?? '').trim(),
    reason: (v.reason ?? '').trim(),
    phone: (v.phone ?? '').trim(),
  };
}

/**
 * MigrationApplicantFields renders the migration's fields inside an antd Form
 * (1.1.3, and 1.2.2 when modifying): the category (data, feature 9) decides
 * which relative and which ways it takes; the movers are chosen from the
 * Ministry household (fixed once saved).
 */
export function MigrationApplicantFields({ members, moversFixed }: { members: readonly MigrationPersonFragment[]; moversFixed?: boolean }) {
  const { data } = useQuery(MigrationCategoriesDocument, { fetchPolicy: 'cache-first' });
  const categories = data?.migrationCategories ?? [];
  const form = Form.useFormInstance<ApplicantValues>();
  const code = Form.useWatch('category', form);
  const way = Form.useWatch('way', form);
  const category = categories.find((c) => c.code === code);
  return (
    <>
      <Form.Item name="applicantIdNumber" hidden>
        <Input />
      </Form.Item>
      <Form.Item name="category" label={t.category} rules={[{ required: true, message: t.categoryRequired }]}>
        <Select
          showSearch
          optionFilterProp="label"
          placeholder={zhCN.app.selectPlaceholder}
          options={categories.map((c) => ({ value: c.code, label: c.name }))}
          onChange={(v: string) => {
            const ways = categories.find((c) => c.code === v)?.ways ?? [];
            if (ways.length === 1) form.setFieldValue('way', ways[0]);
          }}
        />
      </Form.Item>
      {category && category.materials.length > 0 && (
        <Typography.Paragraph type="secondary" data-testid="category-materials">
          {t.materials}：{category.materials.map((m) => <Tag key={m}>{t.materialNames[m] ?? m}</Tag>)}
        </Typography.Paragraph>
      )}
      <Form.Item name="movers" label={t.movers} extra={t.moversHint} rules={[{ required: true, type: 'array', min: 1, message: t.moversRequired }]}>
        <CheckboxGroupField label={t.movers} disabled={moversFixed}>
          <Space direction="vertical">
            {members.map((m) => (
              <Checkbox key={m.idNumber} value={m.idNumber} disabled={m.status !== 'ACTIVE'}>
                {m.name} <span className="hukou-mono">{m.idNumber}</span>
              </Checkbox>
            ))}
          </Space>
        </CheckboxGroupField>
      </Form.Item>
      {category?.kin && (
        <Form.Item
          name="kinIdNumber"
          label={t.kinIdNumber}
          extra={t.kinHint(t.kinNames[category.kin] ?? category.kin)}
          rules={[{ required: true, whitespace: true, message: t.kinRequired }, idNumberRule]}
        >
          <Input maxLength={18} style={{ width: 260 }} />
        </Form.Item>
      )}
      <Form.Item name="way" label={t.way} rules={[{ required: true, message: t.wayRequired }]}>
        <Radio.Group
          {...radioGroup(t.way)}
          optionType="button"
          buttonStyle="solid"
          options={(category?.ways ?? ['JOIN', 'ESTABLISH']).map((w) => ({ value: w, label: t.ways[w] ?? w }))}
        />
      </Form.Item>
      {way === 'JOIN' && (
        <>
          <Form.Item name="householdNumber" label={t.destHousehold} rules={[{ required: true, whitespace: true, message: t.destHouseholdRequired }]}>
            <Input style={{ width: 260 }} />
          </Form.Item>
          <Form.Item
            name="headConsent"
            valuePropName="checked"
            rules={[{ validator: (_, v: unknown) => (v ? Promise.resolve() : Promise.reject(new Error(t.headConsentRequired))) }]}
          >
            <Checkbox>{t.headConsent}</Checkbox>
          </Form.Item>
        </>
      )}
      {way === 'ESTABLISH' && (
        <>
          <Form.Item name="division" label={t.division} rules={[{ required: true, pattern: /^\d{6}$/, message: t.divisionRequired }]}>
            <Input maxLength={6} style={{ width: 160 }} />
          </Form.Item>
          <Form.Item name="address" label={t.address} rules={[{ required: true, whitespace: true, min: 4, max: 100, message: t.addressRequired }]}>
            <Input maxLength={100} />
          </Form.Item>
        </>
      )}
      <Form.Item name="reason" label={t.reason}>
        <Input.TextArea rows={2} maxLength={500} />
      </Form.Item>
      <Form.Item name="phone" label={t.phone}>
        <Input maxLength={20} style={{ width: 260 }} />
      </Form.Item>
    </>
  );
}
