// The second-generation ID card reader (读卡, issue 19 item 5) as the browser
// uses it: the reader service on this workstation's loopback interface
// (integrations/idreader/openapi.yaml), whose address the server configures
// (query workstation). What a card says is only typed input to the server,
// which validates every field as if the clerk had typed it.

/** IdCard is what the card's chip holds (codes: sex GB/T 2261.1, ethnicity GB/T 3304; dates YYYY-MM-DD). */
export interface IdCard {
  name: string;
  sex: string;
  ethnicity: string;
  birthDate: string;
  address: string;
  idNumber: string;
  authority: string;
  validFrom: string;
  /** A date, or 长期 (long-term). */
  validTo: string;
  /** PNG, base64. */
  photo: string;
}

/** Why a read failed; zh-CN's counter.cardErrors says each in Chinese. */
export type ReaderProblem = 'unconfigured' | 'unreachable' | 'noCard' | 'busy' | 'unavailable' | 'failed';

export class ReaderError extends Error {
  constructor(
    readonly problem: ReaderProblem,
    message: string,
  ) {
    super(message);
    this.name = 'ReaderError';
  }
}

function isCard(v: unknown): v is IdCard {
  if (typeof v !== 'object' || v === null) return false;
  const o = v as Record<string, unknown>;
  return ['name', 'sex', 'ethnicity', 'birthDate', 'address', 'idNumber', 'authority', 'validFrom', 'validTo', 'photo'].every((k) => typeof o[k] === 'string');
}

/** readCard reads the card on the reader at readerUrl. Errors are ReaderErrors naming the problem. */
export async function readCard(readerUrl: string, fetchImpl: typeof fetch = fetch): Promise<IdCard> {
  if (!readerUrl) throw new ReaderError('unconfigured', 'no ID card reader is configured');
  const base = readerUrl.replace(/\/+$/, '').replace(/\/v1$/, '');
  let res: Response;
  try {
    res = await fetchImpl(`${base}/v1/read`, { method: 'POST', headers: { Accept: 'application/json' } });
  } catch {
    throw new ReaderError('unreachable', `the ID card reader at ${base} does not answer`);
  }
  let body: unknown;
  try {
    body = await res.json();
  } catch {
    body = null;
  }
  if (res.ok && isCard(body)) return body;
  const r = typeof body === 'object' && body !== null ? (body as Record<string, unknown>).reason : undefined;
  switch (r) {
    case 'reader.no_card':
      throw new ReaderError('noCard', 'no card is on the reader');
    case 'reader.busy':
      throw new ReaderError('busy', 'the reader is busy');
    case 'reader.read_failed':
      throw new ReaderError('failed', 'the card could not be read');
  }
  if (res.status >= 500) throw new ReaderError('unavailable', `the reader answered ${res.status}`);
  throw new ReaderError('failed', `the reader answered ${res.status}`);
}
