import { Col, Form, Input, Radio, Row } from 'antd';
import type { Rule } from 'antd/es/form';
import { validateIdNumber } from '../../../lib/idnumber';
import { zhCN } from '../../../locales/zh-CN';
import { ReadCardButton } from '../../intake/ReadCardButton';
import { CodeSelect } from '../../../components/CodeSelect';
import { chineseNameRule, isPhone } from '../rules';
import { radioGroup } from '../../../components/radioGroup';

const t = zhCN.birth;

/**
 * SettleWithField asks whose household the newborn joins: the father's or the mother's (1.1.1). fixed shows the
 * choice made at the look-up, which the Ministry's household check used, without asking again.
 */
export function SettleWithField({ fixed = false }: { fixed?: boolean }) {
  return (
    <Form.Item
      name="settleWith"
      label={t.settleWith}
      rules={[{ required: true, message: t.settleWithRequired }]}
      extra={fixed ? t.settleWithFixed : undefined}
    >
      <Radio.Group
        disabled={fixed}
        {...radioGroup(t.settleWith)}
        optionType="button"
        buttonStyle="solid"
        options={[
          { value: 'FATHER', label: zhCN.settleWith.FATHER },
          { value: 'MOTHER', label: zhCN.settleWith.MOTHER },
        ]}
      />
    </Form.Item>
  );
}

/** The clerk-entered fields of a birth registration, named as the server names them (BirthApplicantInput). */
export const applicantFields = [
  'newbornName',
  'ethnicity',
  'relation',
  'settleWith',
  'declarantName',
  'declarantIdNumber',
  'declarantPhone',
] as const;

const idNumberRule: Rule = {
  validator: (_, value: unknown) => {
    if (typeof value !== 'string' || value === '') return Promise.resolve();
    const r = validateIdNumber(value.trim());
    return r.ok ? Promise.resolve() : Promise.reject(new Error(r.message));
  },
};

const nameLengthRule: Rule = {
  validator: (_, value: unknown) =>
    typeof value === 'string' && Array.from(value.trim()).length > 20
      ? Promise.reject(new Error(t.newbornNameLength))
      : Promise.resolve(),
};

const phoneRule: Rule = {
  validator: (_, value: unknown) =>
    typeof value === 'string' && value.trim() !== '' && !isPhone(value.trim())
      ? Promise.reject(new Error(t.declarantPhoneFormat))
      : Promise.resolve(),
};

/**
 * BirthApplicantFields renders the newborn and declarant sections inside an antd Form (1.1.1, and 1.2.1 when
 * modifying). After the look-up (settleFixed) the settlement choice is shown, not asked again, and the cursor starts
 * in the newborn's name.
 */
export function BirthApplicantFields({ settleFixed = false }: { settleFixed?: boolean }) {
  return (
    <>
      <Row gutter={24}>
        <Col span={8}>
          <Form.Item
            name="newbornName"
            label={t.newbornName}
            validateFirst
            rules={[{ required: true, whitespace: true, message: t.newbornNameRequired }, nameLengthRule, chineseNameRule]}
          >
            <Input maxLength={20} autoFocus={settleFixed} />
          </Form.Item>
        </Col>
        <Col span={8}>
          <Form.Item name="ethnicity" label={t.ethnicity} rules={[{ required: true, message: t.ethnicityRequired }]}>
            <CodeSelect kind="ETHNICITY" />
          </Form.Item>
        </Col>
        <Col span={8}>
          <Form.Item name="relation" label={t.relation} rules={[{ required: true, message: t.relationRequired }]}>
            <CodeSelect kind="RELATION" />
          </Form.Item>
        </Col>
      </Row>
      <SettleWithField fixed={settleFixed} />
      <div style={{ marginBottom: 8 }}>
        {/* 读卡: the declarant's card fills the declarant (19 item 5). */}
        <ReadCardButton fields={{ name: 'declarantName', idNumber: 'declarantIdNumber' }} />
      </div>
      <Row gutter={24}>
        <Col span={8}>
          <Form.Item
            name="declarantName"
            label={t.declarantName}
            validateFirst
            rules={[{ required: true, whitespace: true, message: t.declarantNameRequired }, nameLengthRule, chineseNameRule]}
          >
            <Input maxLength={20} />
          </Form.Item>
        </Col>
        <Col span={8}>
          <Form.Item
            name="declarantIdNumber"
            label={t.declarantIdNumber}
            validateFirst
            rules={[{ required: true, message: t.declarantIdNumberRequired }, idNumberRule]}
          >
            <Input maxLength={18} className="hukou-mono" />
          </Form.Item>
        </Col>
        <Col span={8}>
          <Form.Item name="declarantPhone" label={t.declarantPhone} rules={[phoneRule]}>
            <Input maxLength={20} />
          </Form.Item>
        </Col>
      </Row>
    </>
  );
}
