// The fingerprint device port as the browser uses it: the device service on
// this workstation's loopback interface (integrations/fingerprint/openapi.yaml),
// whose address the server configures (idCardSettings.deviceUrl). The server
// never trusts what the page says of a finger: it checks each template
// (intake) and matches it against the stored one (collection) itself.

/** One finger as the device captured it (template and image base64). */
export interface DeviceCapture {
  position: number;
  quality: number;
  minutiae: number;
  /** ISO/IEC 19794-2:2005 finger minutiae record, base64. */
  template: string;
  /** 8-bit grey PNG, base64. */
  image: string;
  width: number;
  height: number;
}

/** Why a capture failed. */
export type DeviceProblem = 'unconfigured' | 'unreachable' | 'noFinger' | 'busy' | 'unavailable' | 'failed';

export class DeviceError extends Error {
  constructor(
    readonly problem: DeviceProblem,
    message: string,
  ) {
    super(message);
    this.name = 'DeviceError';
  }
}

function isCapture(v: unknown): v is DeviceCapture {
  if (typeof v !== 'object' || v === null) return false;
  const o = v as Record<string, unknown>;
  return typeof o.position === 'number' && typeof o.quality === 'number' && typeof o.template === 'string' && typeof o.image === 'string';
}

/**
 * captureFinger asks the device for one finger at position. subject tells the simulated device whose finger is
 * placed (a real device ignores it). Errors are DeviceErrors naming the problem.
 */
export async function captureFinger(deviceUrl: string, position: number, subject: string, fetchImpl: typeof fetch = fetch): Promise<DeviceCapture> {
  if (!deviceUrl) throw new DeviceError('unconfigured', 'no fingerprint device is configured');
  const base = deviceUrl.replace(/\/+$/, '').replace(/\/v1$/, '');
  let res: Response;
  try {
    res = await fetchImpl(`${base}/v1/capture`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify({ position, subject }),
    });
  } catch {
    throw new DeviceError('unreachable', `the fingerprint device at ${base} does not answer`);
  }
  let body: unknown;
  try {
    body = await res.json();
  } catch {
    body = null;
  }
  if (res.ok && isCapture(body)) return body;
  const r = typeof body === 'object' && body !== null ? (body as Record<string, unknown>).reason : undefined;
  const reason = typeof r === 'string' ? r : '';
  if (reason === 'device.no_finger') throw new DeviceError('noFinger', 'no finger was placed');
  if (reason === 'device.busy') throw new DeviceError('busy', 'the device is busy');
  if (res.status >= 500) throw new DeviceError('unavailable', `the device answered ${res.status}`);
  throw new DeviceError('failed', `the device answered ${res.status}`);
}
