// The archive editor's geometry, free of the DOM so it can be tested: the
// image is rotated in quarter turns, flipped in the displayed frame, cropped
// by a rectangle in the displayed (rotated, unscaled) frame, and scaled by
// zoom on output.

export type Rotation = 0 | 90 | 180 | 270;

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

export interface EditState {
  rotation: Rotation;
  flipH: boolean;
  flipV: boolean;
  /** Output scale, 0.1–2. */
  zoom: number;
  /** In the displayed frame: after rotation and flips, before zoom. */
  crop: Rect;
}

/** The default archive size limit (domain.DefaultArchiveMaxSize, 10 MiB). */
export const defaultMaxBytes = 10 << 20;

/** The smallest crop side, in image pixels. */
export const minCropSide = 16;

export const minZoom = 0.1;
export const maxZoom = 2;

/** rotatedSize is the size of an image of size after rotation. */
export function rotatedSize(size: Size, rotation: Rotation): Size {
  return rotation === 90 || rotation === 270 ? { width: size.height, height: size.width } : { ...size };
}

export function fullRect(size: Size): Rect {
  return { x: 0, y: 0, width: size.width, height: size.height };
}

export function initialState(size: Size): EditState {
  return { rotation: 0, flipH: false, flipV: false, zoom: 1, crop: fullRect(size) };
}

function turn(rotation: Rotation, delta: 90 | -90): Rotation {
  return ((((rotation + delta) % 360) + 360) % 360) as Rotation;
}

/** clampCrop keeps crop inside bounds and at least minCropSide on each side. */
export function clampCrop(crop: Rect, bounds: Size): Rect {
  const width = Math.round(Math.min(Math.max(crop.width, Math.min(minCropSide, bounds.width)), bounds.width));
  const height = Math.round(Math.min(Math.max(crop.height, Math.min(minCropSide, bounds.height)), bounds.height));
  const x = Math.round(Math.min(Math.max(crop.x, 0), bounds.width - width));
  const y = Math.round(Math.min(Math.max(crop.y, 0), bounds.height - height));
  return { x, y, width, height };
}

/**
 * rotate turns the displayed image a quarter turn clockwise ('cw') or
 * counter-clockwise; the crop rectangle turns with it. source is the
 * original image's size.
 */
export function rotate(s: EditState, source: Size, dir: 'cw' | 'ccw'): EditState {
  const shown = rotatedSize(source, s.rotation);
  const { x, y, width, height } = s.crop;
  const crop =
    dir === 'cw'
      ? { x: shown.height - (y + height), y: x, width: height, height: width }
      : { x: y, y: shown.width - (x + width), width: height, height: width };
  // Flips act in the displayed frame after rotation, so with exactly one flip
  // set the stored rotation turns the other way for the same visible turn.
  const visibleCw = dir === 'cw';
  const delta: 90 | -90 = visibleCw !== (s.flipH !== s.flipV) ? 90 : -90;
  return { ...s, rotation: turn(s.rotation, delta), crop };
}

/** flip mirrors the displayed image left–right ('h') or top–bottom ('v'), and the crop with it. */
export function flip(s: EditState, source: Size, axis: 'h' | 'v'): EditState {
  const shown = rotatedSize(source, s.rotation);
  const c = s.crop;
  if (axis === 'h') return { ...s, flipH: !s.flipH, crop: { ...c, x: shown.width - (c.x + c.width) } };
  return { ...s, flipV: !s.flipV, crop: { ...c, y: shown.height - (c.y + c.height) } };
}

/** moveCrop shifts the crop by (dx, dy) image pixels, keeping its size and staying inside. */
export function moveCrop(crop: Rect, dx: number, dy: number, bounds: Size): Rect {
  return clampCrop({ ...crop, x: crop.x + dx, y: crop.y + dy }, bounds);
}

/** resizeCrop moves the crop's bottom-right corner by (dw, dh), staying inside. */
export function resizeCrop(crop: Rect, dw: number, dh: number, bounds: Size): Rect {
  return clampCrop(
    {
      ...crop,
      width: Math.min(crop.width + dw, bounds.width - crop.x),
      height: Math.min(crop.height + dh, bounds.height - crop.y),
    },
    bounds,
  );
}

export function clampZoom(z: number): number {
  return Math.min(maxZoom, Math.max(minZoom, Math.round(z * 100) / 100));
}

/** outputSize is the pixel size of the uploaded image. */
export function outputSize(s: EditState): Size {
  return { width: Math.max(1, Math.round(s.crop.width * s.zoom)), height: Math.max(1, Math.round(s.crop.height * s.zoom)) };
}

/** isUnchanged reports whether s leaves the image as it was (then the original file is uploaded). */
export function isUnchanged(s: EditState, source: Size): boolean {
  const c = s.crop;
  return (
    s.rotation === 0 && !s.flipH && !s.flipV && s.zoom === 1 &&
    c.x === 0 && c.y === 0 && c.width === source.width && c.height === source.height
  );
}

/** fitScale is the display scale that fits size inside box without enlarging it. */
export function fitScale(size: Size, box: Size): number {
  return Math.min(1, box.width / size.width, box.height / size.height);
}

/**
 * canvasTransform is the affine transform [a, b, c, d, e, f] (as for
 * CanvasRenderingContext2D.setTransform) that draws the source image, at its
 * origin, rotated and flipped into the displayed frame shifted by the crop
 * origin and scaled by scale.
 */
export function canvasTransform(s: EditState, source: Size, scale: number): [number, number, number, number, number, number] {
  const shown = rotatedSize(source, s.rotation);
  const rad = (s.rotation * Math.PI) / 180;
  const cos = Math.round(Math.cos(rad));
  const sin = Math.round(Math.sin(rad));
  const fx = s.flipH ? -1 : 1;
  const fy = s.flipV ? -1 : 1;
  // p' = scale * (T(shown/2) · F · R · T(-source/2) · p - crop.origin)
  const a = scale * fx * cos;
  const b = scale * fy * sin;
  const c = scale * fx * -sin;
  const d = scale * fy * cos;
  const cx = -source.width / 2;
  const cy = -source.height / 2;
  const e = scale * (fx * (cos * cx - sin * cy) + shown.width / 2 - s.crop.x);
  const f = scale * (fy * (sin * cx + cos * cy) + shown.height / 2 - s.crop.y);
  return [a, b, c, d, e, f];
}

/** applyTransform maps a source point with a canvasTransform matrix. */
export function applyTransform(m: readonly number[], x: number, y: number): { x: number; y: number } {
  return { x: m[0] * x + m[2] * y + m[4], y: m[1] * x + m[3] * y + m[5] };
}

/** formatBytes renders a size the way the clerk reads it: 823 KB, 1.4 MB. */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} 字节`;
  if (n < 1024 * 1024) return `${Math.round(n / 1024)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}
