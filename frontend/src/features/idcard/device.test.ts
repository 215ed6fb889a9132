import { describe, expect, it, vi } from 'vitest';
import { captureFinger, DeviceError } from './device';

const ok = { position: 2, quality: 83, minutiae: 36, template: 'Rk1SAA==', image: 'iVBORw0=', width: 256, height: 360, capturedAt: '2026-12-01T01:00:00Z' };

function answer(status: number, body: unknown) {
  return vi.fn<typeof fetch>().mockResolvedValue(new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } }));
}

async function problem(p: Promise<unknown>) {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(DeviceError);
    return (e as DeviceError).problem;
  }
  throw new Error('no error');
}

describe('the fingerprint device port', () => {
  it('posts the finger and subject to /v1/capture and returns the capture', async () => {
    const f = answer(200, ok);
    await expect(captureFinger('http://127.0.0.1:24008/fingerprint/', 2, '130602198706200268', f)).resolves.toEqual(ok);
    const [url, init] = f.mock.calls[0];
    expect(url).toBe('http://127.0.0.1:24008/fingerprint/v1/capture');
    expect(init?.method).toBe('POST');
    expect(JSON.parse(init?.body as string)).toEqual({ position: 2, subject: '130602198706200268' });
  });

  it('names each failure', async () => {
    expect(await problem(captureFinger('', 2, 's', answer(200, ok)))).toBe('unconfigured');
    expect(await problem(captureFinger('http://d', 2, 's', vi.fn<typeof fetch>().mockRejectedValue(new TypeError('refused'))))).toBe('unreachable');
    expect(await problem(captureFinger('http://d', 2, 's', answer(409, { code: 'conflict', reason: 'device.no_finger', message: 'x' })))).toBe('noFinger');
    expect(await problem(captureFinger('http://d', 2, 's', answer(409, { code: 'conflict', reason: 'device.busy', message: 'x' })))).toBe('busy');
    expect(await problem(captureFinger('http://d', 2, 's', answer(503, { code: 'unavailable', message: 'x' })))).toBe('unavailable');
    expect(await problem(captureFinger('http://d', 2, 's', answer(200, { nonsense: true })))).toBe('failed');
  });
});
