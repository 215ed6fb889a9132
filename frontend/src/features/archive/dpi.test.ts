import { describe, expect, it } from 'vitest';
import { printSize, readDpi, withJpegDpi } from './dpi';

// The PNG scanimage wrote for SANE's test backend at 100 dpi: its header chunks (pHYs 3937 per metre).
function png(pHYs?: { ppm: number; unit: number }): Uint8Array {
  const chunks: number[][] = [];
  const chunk = (type: string, data: number[]) => {
    const len = [0, 0, data.length >> 8, data.length & 0xff];
    chunks.push([...len, ...[...type].map((c) => c.charCodeAt(0)), ...data, 0, 0, 0, 0]);
  };
  chunk('IHDR', [0, 0, 1, 0x3a, 0, 0, 1, 0x89, 8, 0, 0, 0, 0]);
  if (pHYs) {
    const p = pHYs.ppm;
    const be = [p >>> 24, (p >> 16) & 0xff, (p >> 8) & 0xff, p & 0xff];
    chunk('pHYs', [...be, ...be, pHYs.unit]);
  }
  chunk('IDAT', [1, 2, 3]);
  chunk('IEND', []);
  return new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, ...chunks.flat()]);
}

// A JPEG as a canvas encodes it: SOI, JFIF APP0 with a 1:1 aspect ratio (no resolution), then the rest.
const canvasJpeg = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0, 0xff, 0xdb, 0, 2, 0xff, 0xd9]);

describe('readDpi (1.4.17)', () => {
  it('reads the resolution a scan records: PNG pHYs per metre, JPEG JFIF per inch or centimetre', () => {
    expect(readDpi(png({ ppm: 3937, unit: 1 }))).toBe(100);
    expect(readDpi(png({ ppm: 11811, unit: 1 }))).toBe(300);
    expect(readDpi(png({ ppm: 1, unit: 0 }))).toBeNull(); // an aspect ratio only
    expect(readDpi(png())).toBeNull();
    expect(readDpi(canvasJpeg)).toBeNull(); // units 0: no resolution
    const cm = canvasJpeg.slice();
    cm[13] = 2;
    cm[14] = 0;
    cm[15] = 118; // 118 per cm
    expect(readDpi(cm)).toBe(300);
    expect(readDpi(new Uint8Array([1, 2, 3]))).toBeNull();
  });

  it('writes the resolution into a JPEG, in its JFIF header or a new one', () => {
    expect(readDpi(withJpegDpi(canvasJpeg, 200))).toBe(200);
    const bare = new Uint8Array([0xff, 0xd8, 0xff, 0xdb, 0, 2, 0xff, 0xd9]);
    const out = withJpegDpi(bare, 150);
    expect(readDpi(out)).toBe(150);
    expect(out.length).toBe(bare.length + 18);
    expect([...out.subarray(out.length - 6)]).toEqual([...bare.subarray(2)]);
  });

  it('sizes an image on paper: an A4 page scanned at 200 dpi is 210 × 297 mm', () => {
    const s = printSize(1654, 2339, 200);
    expect(s.widthMm).toBeCloseTo(210, 0);
    expect(s.heightMm).toBeCloseTo(297, 0);
  });
});
