// The ID card's rules as the screens need them, mirroring domain/idcard
// (the server decides; these show the clerk what it will decide): the
// validity by age (Resident Identity Card Law, art. 5), the photo's crop to
// the GA 461 frame and the JPEG quality that keeps it within the size bounds.

/** A calendar date as YYYY-MM-DD parts. */
interface Ymd {
  y: number;
  m: number;
  d: number;
}

function parse(date: string): Ymd | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  return m ? { y: Number(m[1]), m: Number(m[2]), d: Number(m[3]) } : null;
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');
const format = (v: Ymd) => `${pad(v.y, 4)}-${pad(v.m)}-${pad(v.d)}`;

function leap(y: number): boolean {
  return y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
}

/** anniversary is the day years after date; a 29 February falls on 28 February in a common year (Civil Code art. 202). */
export function anniversary(date: string, years: number): string {
  const v = parse(date);
  if (!v) return '';
  const y = v.y + years;
  if (v.m === 2 && v.d === 29 && !leap(y)) return format({ y, m: 2, d: 28 });
  return format({ y, m: v.m, d: v.d });
}

/** ageOn is the full years of a person born on birth, on the day on (dates YYYY-MM-DD). */
export function ageOn(birth: string, on: string): number {
  const b = parse(birth);
  const o = parse(on);
  if (!b || !o) return NaN;
  let age = o.y - b.y;
  if (on < anniversary(birth, age)) age--;
  return age;
}

/** validityYears: under 16, 5 years; 16–25, 10; 26–45, 20; 46 and over, long-term (0). */
export function validityYears(age: number): number {
  if (age < 16) return 5;
  if (age < 26) return 10;
  if (age < 46) return 20;
  return 0;
}

export interface ValidityPreview {
  age: number;
  years: number;
  longTerm: boolean;
  validFrom: string;
  /** "" for a long-term card. */
  validUntil: string;
}

/** validity is the validity for a person born on birth who applied on applied, issued on issuedOn. */
export function validity(birth: string, applied: string, issuedOn: string): ValidityPreview {
  const age = ageOn(birth, applied);
  const years = validityYears(age);
  return { age, years, longTerm: years === 0, validFrom: issuedOn, validUntil: years > 0 ? anniversary(issuedOn, years) : '' };
}

/** today is the date in China (UTC+8) as YYYY-MM-DD. */
export function today(now: Date = new Date()): string {
  return new Date(now.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
}

export interface Size {
  width: number;
  height: number;
}

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** frameCrop is the largest centred rectangle of source with the frame's aspect (358:441), the part of a camera image the photo keeps. */
export function frameCrop(source: Size, frame: Size): Rect {
  const want = frame.width / frame.height;
  let width = source.width;
  let height = Math.round(width / want);
  if (height > source.height) {
    height = source.height;
    width = Math.round(height * want);
  }
  return { x: Math.round((source.width - width) / 2), y: Math.round((source.height - height) / 2), width, height };
}

/** The JPEG qualities tried, best first. */
export const qualities = [0.95, 0.92, 0.88, 0.84, 0.78, 0.7, 0.6, 0.5, 0.4] as const;

/**
 * fitQuality encodes at decreasing JPEG qualities (qualities) until the file is no larger than maxBytes and returns
 * the first that fits, the best picture within the bound; when none fits, the smallest tried. encode returns the file
 * at a quality (0–1).
 */
export async function fitQuality(encode: (quality: number) => Promise<Blob>, maxBytes: number): Promise<Blob> {
  let best: Blob | null = null;
  for (const q of qualities) {
    const b = await encode(q);
    if (b.size <= maxBytes) return b;
    if (!best || b.size < best.size) best = b;
  }
  if (!best) throw new Error('no encoding');
  return best;
}

/** toBase64 is a file's content as base64, as the API takes photos and templates. */
export async function toBase64(blob: Blob): Promise<string> {
  const bytes = new Uint8Array(await blob.arrayBuffer());
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

/** Finger positions of ISO/IEC 19794-2; the ID card takes the index fingers first. */
export const fingerPositions = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10] as const;
export const defaultFingers: readonly [number, number] = [2, 7];
