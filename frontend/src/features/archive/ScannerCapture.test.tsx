import { afterEach, describe, expect, it, vi } from 'vitest';
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { renderWithProviders } from '../../test/render';
import { ScannerCapture, defaultAgent } from './ScannerCapture';

afterEach(() => vi.unstubAllGlobals());

describe('ScannerCapture', () => {
  it('finds the agent, lists its scanners and scans a page into the editor (1.4.14)', async () => {
    const user = userEvent.setup();
    const calls: { url: string; init?: RequestInit }[] = [];
    vi.stubGlobal(
      'fetch',
      vi.fn((url: string, init?: RequestInit) => {
        calls.push({ url, init });
        if (url.endsWith('/v1/scanners')) {
          return Promise.resolve(
            new Response(JSON.stringify({ scanners: [{ name: 'test:0', vendor: 'Noname', model: 'frontend-tester', type: 'virtual device' }] })),
          );
        }
        return Promise.resolve(new Response('\x89PNG page', { headers: { 'Content-Type': 'image/png' } }));
      }),
    );
    const onScan = vi.fn();
    renderWithProviders(<ScannerCapture onScan={onScan} onCancel={vi.fn()} />, []);
    expect(await screen.findByText('Noname frontend-tester（test:0）')).toBeInTheDocument();
    await user.click(screen.getByRole('combobox', { name: '分辨率' }));
    await user.click(await screen.findByTitle('300 dpi'));
    await user.click(screen.getByRole('button', { name: /扫\s*描/ }));
    await waitFor(() => expect(onScan).toHaveBeenCalledTimes(1));
    const file = onScan.mock.calls[0][0] as File;
    expect(file.name).toMatch(/^扫描-\d{14}\.png$/);
    expect(file.type).toBe('image/png');
    expect(calls[0].url).toBe(`${defaultAgent}/v1/scanners`);
    const scan = calls.find((c) => c.url.endsWith('/v1/scan'))!;
    expect(scan.url).toBe(`${defaultAgent}/v1/scan`);
    expect(JSON.parse(scan.init!.body as string)).toEqual({ device: 'test:0', resolution: 300, mode: 'Color' });
  });

  it('says how to start the agent when none answers, and connects to another address', async () => {
    const user = userEvent.setup();
    const fetch = vi.fn((url: string) =>
      url.startsWith('http://127.0.0.1:9999')
        ? Promise.resolve(new Response(JSON.stringify({ scanners: [] })))
        : Promise.reject(new TypeError('Failed to fetch')),
    );
    vi.stubGlobal('fetch', fetch);
    renderWithProviders(<ScannerCapture onScan={vi.fn()} onCancel={vi.fn()} />, []);
    expect(await screen.findByTestId('scanner-error')).toHaveTextContent('hukou scan-agent --allow-origin');
    const address = screen.getByRole('textbox', { name: '扫描代理地址' });
    await user.clear(address);
    await user.type(address, 'http://127.0.0.1:9999/');
    await user.click(screen.getByRole('button', { name: /连\s*接/ }));
    expect(await screen.findByText('扫描代理未发现扫描仪，请检查扫描仪的连接和电源')).toBeInTheDocument();
    expect(fetch).toHaveBeenLastCalledWith('http://127.0.0.1:9999/v1/scanners', expect.anything());
  });
});
