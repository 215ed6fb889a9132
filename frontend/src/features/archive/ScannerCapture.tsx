import { useCallback, useEffect, useState } from 'react';
import { Alert, Button, Input, Select, Space, Typography } from 'antd';
import { ScanOutlined } from '@ant-design/icons';
import { zhCN } from '../../locales/zh-CN';

const t = zhCN.scanner;

/** defaultAgent is where `hukou scan-agent` listens unless told otherwise. */
export const defaultAgent = 'http://127.0.0.1:9192';

// The agent's address for this page's life (a PC's agent rarely moves; nothing is kept in web storage).
let agentAddress = defaultAgent;

export interface Scanner {
  name: string;
  vendor: string;
  model: string;
  type: string;
}

/** listScanners asks the agent at base for its scanners. */
export async function listScanners(base: string, signal?: AbortSignal): Promise<Scanner[]> {
  const r = await fetch(`${base}/v1/scanners`, { signal });
  if (!r.ok) throw new Error(`agent ${r.status}`);
  const body = (await r.json()) as { scanners: Scanner[] };
  return body.scanners;
}

/** scanPage scans one page on device and returns it as a PNG file. */
export async function scanPage(base: string, device: string, resolution: number, mode: 'Color' | 'Gray'): Promise<File> {
  const r = await fetch(`${base}/v1/scan`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ device, resolution, mode }),
  });
  if (!r.ok) throw new Error(`scan ${r.status}`);
  const bytes = await r.arrayBuffer();
  const stamp = new Date().toISOString().slice(0, 19).replace(/[-:T]/g, '');
  return new File([bytes], `扫描-${stamp}.png`, { type: 'image/png' });
}

interface Props {
  onScan: (file: File) => void;
  onCancel: () => void;
}

/**
 * ScannerCapture scans a page (1.4.14) through the scanner agent the clerk's
 * PC runs (`hukou scan-agent`, which drives SANE): it finds the agent, lists
 * its scanners, scans at the chosen resolution and colour, and hands the page
 * to the editor.
 */
export function ScannerCapture({ onScan, onCancel }: Props) {
  const [address, setAddress] = useState(agentAddress);
  const [connectTo, setConnectTo] = useState(agentAddress);
  const [scanners, setScanners] = useState<Scanner[] | null>(null);
  const [device, setDevice] = useState<string | undefined>(undefined);
  const [resolution, setResolution] = useState(200);
  const [mode, setMode] = useState<'Color' | 'Gray'>('Color');
  const [error, setError] = useState<string | null>(null);
  const [scanning, setScanning] = useState(false);

  useEffect(() => {
    const ctl = new AbortController();
    listScanners(connectTo, ctl.signal).then(
      (list) => {
        agentAddress = connectTo;
        setScanners(list);
        setDevice((d) => d ?? list[0]?.name);
        setError(list.length === 0 ? t.noScanner : null);
      },
      () => {
        if (ctl.signal.aborted) return;
        setScanners(null);
        setError(t.noAgent(window.location.origin));
      },
    );
    return () => ctl.abort();
  }, [connectTo]);

  const scan = useCallback(async () => {
    if (!device) return;
    setScanning(true);
    setError(null);
    try {
      onScan(await scanPage(connectTo, device, resolution, mode));
    } catch {
      setError(t.failed);
    } finally {
      setScanning(false);
    }
  }, [connectTo, device, resolution, mode, onScan]);

  return (
    <Space direction="vertical" style={{ width: '100%' }} data-testid="scanner-panel">
      <Space wrap>
        <Typography.Text>{t.agent}</Typography.Text>
        <Input aria-label={t.agent} value={address} onChange={(e) => setAddress(e.target.value)} style={{ width: 260 }} />
        <Button onClick={() => setConnectTo(address.trim().replace(/\/+$/, ''))}>{t.connect}</Button>
      </Space>
      {scanners && scanners.length > 0 && (
        <Space wrap>
          <Select
            aria-label={t.device}
            style={{ width: 280 }}
            value={device}
            onChange={setDevice}
            options={scanners.map((s) => ({ value: s.name, label: `${s.vendor} ${s.model}（${s.name}）` }))}
          />
          <Select
            aria-label={t.resolution}
            style={{ width: 120 }}
            value={resolution}
            onChange={setResolution}
            options={[150, 200, 300, 600].map((r) => ({ value: r, label: `${r} dpi` }))}
          />
          <Select
            aria-label={t.mode}
            style={{ width: 100 }}
            value={mode}
            onChange={setMode}
            options={[
              { value: 'Color', label: t.color },
              { value: 'Gray', label: t.gray },
            ]}
          />
        </Space>
      )}
      {error && <Alert type={scanners ? 'error' : 'warning'} showIcon message={error} data-testid="scanner-error" />}
      <Space>
        <Button type="primary" icon={<ScanOutlined />} disabled={!device || !scanners} loading={scanning} onClick={() => void scan()} data-testid="scanner-scan">
          {t.scan}
        </Button>
        <Button onClick={onCancel}>{zhCN.app.cancel}</Button>
      </Space>
    </Space>
  );
}
