// Physical size of archive images (1.4.17: print at original size). A scan
// records its resolution in the image: PNG's pHYs chunk (scanimage writes
// it), JPEG's JFIF density. The capture editor writes the resolution into
// the JPEG it encodes, so an edited scan keeps it.

/** mmPerInch converts inches to millimetres. */
const mmPerInch = 25.4;

/** Resolutions outside this range are taken for a missing one (a JFIF 1:1 aspect ratio, a bogus header). */
const minDpi = 50;
const maxDpi = 2400;

function plausible(dpi: number): number | null {
  return dpi >= minDpi && dpi <= maxDpi ? Math.round(dpi) : null;
}

/** readDpi returns the horizontal resolution an image records, in dots per inch, or null when it records none. */
export function readDpi(b: Uint8Array): number | null {
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  if (b.length > 8 && b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47) {
    for (let i = 8; i + 8 <= b.length; ) {
      const len = v.getUint32(i);
      const type = String.fromCharCode(b[i + 4], b[i + 5], b[i + 6], b[i + 7]);
      if (type === 'IDAT' || type === 'IEND') return null;
      if (type === 'pHYs' && len >= 9 && i + 17 <= b.length) {
        return b[i + 16] === 1 ? plausible((v.getUint32(i + 8) * mmPerInch) / 1000) : null; // unit 1: per metre
      }
      i += 12 + len;
    }
    return null;
  }
  if (b.length > 4 && b[0] === 0xff && b[1] === 0xd8) {
    for (let i = 2; i + 4 <= b.length && b[i] === 0xff; ) {
      const marker = b[i + 1];
      if (marker === 0xda || marker === 0xd9) return null; // start of scan, end of image
      const len = v.getUint16(i + 2);
      if (marker === 0xe0 && len >= 14 && i + 16 <= b.length && String.fromCharCode(...b.subarray(i + 4, i + 8)) === 'JFIF') {
        const units = b[i + 11];
        const x = v.getUint16(i + 12);
        return units === 1 ? plausible(x) : units === 2 ? plausible(x * 2.54) : null;
      }
      i += 2 + len;
    }
  }
  return null;
}

/**
 * withJpegDpi returns a JPEG (as a canvas encodes it) that records dpi in its
 * JFIF header: the header's density is set, or a header inserted after the
 * start-of-image marker when there is none.
 */
export function withJpegDpi(b: Uint8Array, dpi: number): Uint8Array {
  if (b.length < 4 || b[0] !== 0xff || b[1] !== 0xd8) return b;
  const d = Math.max(1, Math.min(0xffff, Math.round(dpi)));
  if (b[2] === 0xff && b[3] === 0xe0 && String.fromCharCode(...b.subarray(6, 10)) === 'JFIF') {
    const out = b.slice();
    out[13] = 1;
    out[14] = d >> 8;
    out[15] = d & 0xff;
    out[16] = d >> 8;
    out[17] = d & 0xff;
    return out;
  }
  const app0 = new Uint8Array([0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46, 0, 1, 1, 1, d >> 8, d & 0xff, d >> 8, d & 0xff, 0, 0]);
  const out = new Uint8Array(b.length + app0.length);
  out.set(b.subarray(0, 2), 0);
  out.set(app0, 2);
  out.set(b.subarray(2), 2 + app0.length);
  return out;
}

/** PrintSize is an image's size on paper, in millimetres. */
export interface PrintSize {
  widthMm: number;
  heightMm: number;
}

/** printSize is the size on paper of an image of width×height pixels scanned at dpi. */
export function printSize(width: number, height: number, dpi: number): PrintSize {
  return { widthMm: (width / dpi) * mmPerInch, heightMm: (height / dpi) * mmPerInch };
}
