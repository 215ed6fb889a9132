// The contact and pick-up fields of an application (1.1.8, 1.2.4): shared by
// the intake, the modification and the correction after quality feedback.
import { Form, Input, Radio } from 'antd';
import { zhCN } from '../../../locales/zh-CN';

const t = zhCN.idCard;

export interface ContactValues {
  phone: string;
  pickup: 'IN_PERSON' | 'POST';
  postAddress: string;
  postRecipient: string;
  postCode: string;
}

/** contactFields are the fields a server error may name. */
export const contactFields = ['phone', 'pickup', 'postAddress', 'postRecipient', 'postCode'] as const;

export const emptyContact: ContactValues = { phone: '', pickup: 'IN_PERSON', postAddress: '', postRecipient: '', postCode: '' };

/** ContactFields are the form items; the postal ones show for POST. */
export function ContactFields() {
  const pickup = Form.useWatch<string>('pickup');
  const post = pickup === 'POST';
  const required = { required: true, whitespace: true, message: t.postRequired };
  return (
    <>
      <Form.Item name="phone" label={t.phone} rules={[{ required: true, whitespace: true, message: t.phoneRequired }]}>
        <Input maxLength={20} style={{ width: 240 }} />
      </Form.Item>
      <Form.Item name="pickup" label={t.pickup} rules={[{ required: true }]}>
        <Radio.Group options={[{ value: 'IN_PERSON', label: t.pickups.IN_PERSON }, { value: 'POST', label: t.pickups.POST }]} />
      </Form.Item>
      {post && (
        <>
          <Form.Item name="postAddress" label={t.postAddress} rules={[required]}>
            <Input maxLength={200} />
          </Form.Item>
          <Form.Item name="postRecipient" label={t.postRecipient} rules={[required]}>
            <Input maxLength={40} style={{ width: 240 }} />
          </Form.Item>
          <Form.Item name="postCode" label={t.postCode} rules={[required, { pattern: /^\d{6}$/, message: zhCN.errors.reasons['id_card.post_code'] }]}>
            <Input maxLength={6} style={{ width: 140 }} className="hukou-mono" />
          </Form.Item>
        </>
      )}
    </>
  );
}

/** contactInput is the values as the API takes them (the postal ones empty in person). */
export function contactInput(v: ContactValues): ContactValues {
  const post = v.pickup === 'POST';
  return {
    phone: v.phone.trim(),
    pickup: v.pickup,
    postAddress: post ? v.postAddress.trim() : '',
    postRecipient: post ? v.postRecipient.trim() : '',
    postCode: post ? v.postCode.trim() : '',
  };
}
