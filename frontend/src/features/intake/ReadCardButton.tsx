import { useState } from 'react';
import { App, Button, Form, Tooltip } from 'antd';
import { IdcardOutlined } from '@ant-design/icons';
import { useApolloClient } from '@apollo/client/react';
import { WorkstationDocument } from '../../graphql/generated/graphql';
import { readCard, ReaderError, type IdCard } from '../../lib/idreader';
import { zhCN } from '../../locales/zh-CN';

const t = zhCN.counter;

/** CardFields maps fields of the card to the names of the form's fields they fill. */
export type CardFields = Partial<Record<keyof Omit<IdCard, 'photo'>, string>>;

/** cardValues are the form values a card fills through fields (the ID number upper-cased, as typed numbers are). */
export function cardValues(card: IdCard, fields: CardFields): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, name] of Object.entries(fields) as [keyof CardFields, string][]) {
    if (!name) continue;
    const v = card[k].trim();
    out[name] = k === 'idNumber' ? v.toUpperCase() : v;
  }
  return out;
}

/**
 * ReadCardButton (读卡, issue 19 item 5) reads the second-generation ID card on this workstation's reader and fills
 * the surrounding form's person fields (fields: card field → form field), as if typed: they count as the clerk's
 * input for the draft and are validated at once. Problems (no reader, no card, a failed read) are said in Chinese.
 */
export function ReadCardButton({ fields, label = t.readCard, onRead }: { fields: CardFields; label?: string; onRead?: (card: IdCard) => void }) {
  const form = Form.useFormInstance();
  const client = useApolloClient();
  const { message } = App.useApp();
  const [busy, setBusy] = useState(false);

  const read = async () => {
    setBusy(true);
    try {
      const { data } = await client.query({ query: WorkstationDocument, fetchPolicy: 'cache-first' });
      const card = await readCard(data?.workstation.idCardReaderUrl ?? '');
      const values = cardValues(card, fields);
      form.setFields(Object.entries(values).map(([name, value]) => ({ name, value, touched: true, errors: [] })));
      void form.validateFields(Object.keys(values)).catch(() => undefined);
      void message.success(t.cardRead(card.name));
      onRead?.(card);
    } catch (e) {
      void message.error(e instanceof ReaderError ? t.cardErrors[e.problem] : t.cardErrors.unavailable);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Tooltip title={t.readCardHint}>
      <Button icon={<IdcardOutlined />} loading={busy} onClick={() => void read()} data-testid="read-card">
        {label}
      </Button>
    </Tooltip>
  );
}
