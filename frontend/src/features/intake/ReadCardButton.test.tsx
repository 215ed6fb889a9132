import { afterEach, describe, expect, it, vi } from 'vitest';
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Form, Input } from 'antd';
import { WorkstationDocument, type WorkstationQuery, type WorkstationQueryVariables } from '../../graphql/generated/graphql';
import { codeListMocks, renderWithProviders, typedMock } from '../../test/render';
import { BirthApplicantFields } from '../birth/intake/BirthApplicantFields';
import { ReadCardButton } from './ReadCardButton';

const card = {
  name: '陈东', sex: '1', ethnicity: '01', birthDate: '1980-10-05', address: '辽宁省盘锦市双台子区红旗街道兴隆小区5号楼',
  idNumber: '21110219801005230x', authority: '盘锦市公安局双台子分局', validFrom: '2015-03-01', validTo: '长期', photo: 'iVBORw0=',
  readAt: '2026-12-10T01:00:00Z',
};

const workstation = (url: string) =>
  typedMock<WorkstationQuery, WorkstationQueryVariables>({
    request: { query: WorkstationDocument },
    result: { data: { __typename: 'Query', workstation: { __typename: 'Workstation', idCardReaderUrl: url } } },
  });

function reader(status: number, body: unknown) {
  const f = vi.fn<typeof fetch>().mockResolvedValue(new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } }));
  vi.stubGlobal('fetch', f);
  return f;
}

afterEach(() => vi.unstubAllGlobals());

function Person() {
  return (
    <Form>
      <ReadCardButton fields={{ name: 'who', idNumber: 'number', address: 'address' }} />
      <Form.Item name="who" label="姓名">
        <Input />
      </Form.Item>
      <Form.Item name="number" label="公民身份号码">
        <Input />
      </Form.Item>
      <Form.Item name="address" label="住址">
        <Input />
      </Form.Item>
    </Form>
  );
}

describe('读卡 fills the person fields (issue 19 item 5)', () => {
  it('reads the card at the configured reader and fills the mapped fields', async () => {
    const u = userEvent.setup();
    const f = reader(200, card);
    renderWithProviders(<Person />, [workstation('http://127.0.0.1:9090/idreader')]);
    await u.click(screen.getByRole('button', { name: /读卡/ }));
    await waitFor(() => expect(screen.getByLabelText('姓名')).toHaveValue('陈东'));
    expect(screen.getByLabelText('公民身份号码')).toHaveValue('21110219801005230X');
    expect(screen.getByLabelText('住址')).toHaveValue(card.address);
    expect(f.mock.calls[0][0]).toBe('http://127.0.0.1:9090/idreader/v1/read');
    expect(await screen.findByText('已读取 陈东 的身份证')).toBeInTheDocument();
  });

  it('says in Chinese when there is no card, and fills nothing', async () => {
    const u = userEvent.setup();
    reader(409, { code: 'conflict', reason: 'reader.no_card', message: 'no card' });
    renderWithProviders(<Person />, [workstation('http://127.0.0.1:9090/idreader')]);
    await u.click(screen.getByRole('button', { name: /读卡/ }));
    expect(await screen.findByText('读卡器上没有身份证，请放好证件后重试')).toBeInTheDocument();
    expect(screen.getByLabelText('姓名')).toHaveValue('');
  });

  it('says when the workstation has no reader, or it does not answer', async () => {
    const u = userEvent.setup();
    renderWithProviders(<Person />, [workstation('')]);
    await u.click(screen.getByRole('button', { name: /读卡/ }));
    expect(await screen.findByText('本机未配置身份证读卡器')).toBeInTheDocument();
  });

  it('fills the birth declarant', async () => {
    const u = userEvent.setup();
    reader(200, card);
    renderWithProviders(
      <Form>
        <BirthApplicantFields settleFixed />
      </Form>,
      [workstation('http://r'), ...codeListMocks],
    );
    await u.click(screen.getByRole('button', { name: /读卡/ }));
    await waitFor(() => expect(screen.getByLabelText('申报人姓名')).toHaveValue('陈东'));
    expect(screen.getByLabelText('申报人公民身份号码')).toHaveValue('21110219801005230X');
  });
});
