import { describe, expect, it, vi } from 'vitest';
import { readCard, ReaderError } from './idreader';

const card = {
  name: '陈东', sex: '1', ethnicity: '01', birthDate: '1980-10-05', address: '辽宁省盘锦市双台子区红旗街道兴隆小区5号楼',
  idNumber: '211102198010052301', authority: '盘锦市公安局双台子分局', validFrom: '2015-03-01', validTo: '2035-03-01', photo: 'iVBORw0=',
  readAt: '2026-12-10T01:00:00Z',
};

function answer(status: number, body: unknown) {
  return vi.fn<typeof fetch>().mockResolvedValue(new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } }));
}

async function problem(p: Promise<unknown>) {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(ReaderError);
    return (e as ReaderError).problem;
  }
  throw new Error('no error');
}

describe('the ID card reader port (读卡, issue 19 item 5)', () => {
  it('posts to /v1/read and returns the card', async () => {
    const f = answer(200, card);
    await expect(readCard('http://127.0.0.1:24008/idreader/', f)).resolves.toEqual(card);
    const [url, init] = f.mock.calls[0];
    expect(url).toBe('http://127.0.0.1:24008/idreader/v1/read');
    expect(init?.method).toBe('POST');
  });

  it('names each failure', async () => {
    expect(await problem(readCard('', answer(200, card)))).toBe('unconfigured');
    expect(await problem(readCard('http://r', vi.fn<typeof fetch>().mockRejectedValue(new TypeError('refused'))))).toBe('unreachable');
    expect(await problem(readCard('http://r', answer(409, { code: 'conflict', reason: 'reader.no_card', message: 'x' })))).toBe('noCard');
    expect(await problem(readCard('http://r', answer(409, { code: 'conflict', reason: 'reader.busy', message: 'x' })))).toBe('busy');
    expect(await problem(readCard('http://r', answer(409, { code: 'conflict', reason: 'reader.read_failed', message: 'x' })))).toBe('failed');
    expect(await problem(readCard('http://r', answer(503, { code: 'unavailable', message: 'x' })))).toBe('unavailable');
    expect(await problem(readCard('http://r', answer(200, { name: '陈东' })))).toBe('failed');
  });
});
