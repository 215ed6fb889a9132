import { describe, expect, it } from 'vitest';
import {
  applyTransform,
  canvasTransform,
  clampCrop,
  flip,
  formatBytes,
  initialState,
  isUnchanged,
  moveCrop,
  outputSize,
  resizeCrop,
  rotate,
  rotatedSize,
  type EditState,
} from './imageEdit';

const source = { width: 400, height: 300 };

/** where lands the source point (x, y) in the cropped output, at scale 1. */
function land(s: EditState, x: number, y: number) {
  const p = applyTransform(canvasTransform(s, source, 1), x, y);
  return { x: Math.round(p.x), y: Math.round(p.y) };
}

describe('imageEdit', () => {
  it('swaps width and height on quarter turns', () => {
    expect(rotatedSize(source, 90)).toEqual({ width: 300, height: 400 });
    expect(rotatedSize(source, 180)).toEqual(source);
  });

  it('maps the image corners into the displayed frame when rotated clockwise', () => {
    const s = rotate(initialState(source), source, 'cw');
    expect(s.rotation).toBe(90);
    expect(s.crop).toEqual({ x: 0, y: 0, width: 300, height: 400 });
    // Top-left goes to top-right; bottom-left to top-left.
    expect(land(s, 0, 0)).toEqual({ x: 300, y: 0 });
    expect(land(s, 0, 300)).toEqual({ x: 0, y: 0 });
  });

  it('keeps the cropped part under the crop through rotations and flips', () => {
    let s: EditState = { ...initialState(source), crop: { x: 10, y: 20, width: 100, height: 50 } };
    const inside = { x: 60, y: 45 }; // centre of the crop
    expect(land(s, inside.x, inside.y)).toEqual({ x: 50, y: 25 });
    const ops: Array<(e: EditState) => EditState> = [
      (e) => rotate(e, source, 'cw'),
      (e) => flip(e, source, 'h'),
      (e) => rotate(e, source, 'cw'),
      (e) => flip(e, source, 'v'),
      (e) => rotate(e, source, 'ccw'),
    ];
    for (const op of ops) {
      s = op(s);
      const p = land(s, inside.x, inside.y);
      // Still the centre of the (possibly turned) crop.
      expect(p).toEqual({ x: s.crop.width / 2, y: s.crop.height / 2 });
    }
  });

  it('turns visibly clockwise even when the image was flipped', () => {
    const flipped = flip(initialState(source), source, 'h');
    const s = rotate(flipped, source, 'cw');
    // The displayed top-left corner (the source's top-right after the flip) moves to the top-right.
    expect(land(flipped, 400, 0)).toEqual({ x: 0, y: 0 });
    expect(land(s, 400, 0)).toEqual({ x: 300, y: 0 });
  });

  it('comes back after four turns', () => {
    let s = initialState(source);
    for (let i = 0; i < 4; i++) s = rotate(s, source, 'cw');
    expect(isUnchanged(s, source)).toBe(true);
  });

  it('keeps the crop inside the image and at least 16 pixels', () => {
    expect(clampCrop({ x: -5, y: 290, width: 2, height: 50 }, source)).toEqual({ x: 0, y: 250, width: 16, height: 50 });
    expect(moveCrop({ x: 300, y: 0, width: 100, height: 100 }, 50, -10, source)).toEqual({ x: 300, y: 0, width: 100, height: 100 });
    expect(resizeCrop({ x: 300, y: 0, width: 50, height: 50 }, 500, 20, source)).toEqual({ x: 300, y: 0, width: 100, height: 70 });
  });

  it('scales the output by zoom', () => {
    const s = { ...initialState(source), zoom: 0.5 };
    expect(outputSize(s)).toEqual({ width: 200, height: 150 });
    expect(isUnchanged(s, source)).toBe(false);
  });

  it('formats sizes in the units a clerk reads', () => {
    expect(formatBytes(500)).toBe('500 字节');
    expect(formatBytes(2048)).toBe('2 KB');
    expect(formatBytes(12 * 1024 * 1024)).toBe('12.0 MB');
  });
});
