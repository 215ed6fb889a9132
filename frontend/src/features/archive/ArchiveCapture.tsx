import { useCallback, useEffect, useRef, useState, type PointerEvent as ReactPointerEvent } from 'react';
import { Alert, App, Button, Modal, Slider, Space, Tag, Tooltip, Typography } from 'antd';
import {
  CameraOutlined,
  ColumnWidthOutlined,
  PlusOutlined,
  ScanOutlined,
  ColumnHeightOutlined,
  FolderOpenOutlined,
  RotateLeftOutlined,
  RotateRightOutlined,
  UndoOutlined,
} from '@ant-design/icons';
import { useNavigate } from 'react-router';
import { ModifyArchiveDocument, UploadArchiveDocument } from '../../graphql/generated/graphql';
import { useSessionStore } from '../../app/context';
import { paths } from '../../app/paths';
import { applyError } from '../../lib/errors';
import { uploadMutation } from '../../lib/upload';
import { CameraCapture } from './CameraCapture';
import { ScannerCapture } from './ScannerCapture';
import { zhCN } from '../../locales/zh-CN';
import {
  canvasTransform,
  clampZoom,
  defaultMaxBytes,
  fitScale,
  flip,
  formatBytes,
  fullRect,
  initialState,
  isUnchanged,
  maxZoom,
  minZoom,
  moveCrop,
  outputSize,
  resizeCrop,
  rotate,
  rotatedSize,
  type EditState,
  type Size,
} from './imageEdit';
import { readDpi, withJpegDpi } from './dpi';

const t = zhCN.capture;
const previewBox: Size = { width: 680, height: 300 };
const accepted = ['image/jpeg', 'image/png', 'application/pdf'];

interface Loaded {
  file: File;
  image: HTMLImageElement | null;
  size: Size;
  url: string;
  /** The resolution the image records (a scan's), null when none: kept in what is uploaded, for printing at original size (1.4.17). */
  dpi: number | null;
}

/** render draws the edited image onto canvas at scale (the crop only when cropOnly). */
function render(canvas: HTMLCanvasElement, img: HTMLImageElement, s: EditState, source: Size, scale: number, cropOnly: boolean) {
  const shown = rotatedSize(source, s.rotation);
  const state = cropOnly ? s : { ...s, crop: fullRect(shown) };
  canvas.width = Math.max(1, Math.round(state.crop.width * scale));
  canvas.height = Math.max(1, Math.round(state.crop.height * scale));
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  ctx.setTransform(...canvasTransform(state, source, scale));
  ctx.imageSmoothingQuality = 'high';
  ctx.drawImage(img, 0, 0);
  ctx.setTransform(1, 0, 0, 1, 0, 0);
}

/** encode encodes the edited image as JPEG; a source resolution is kept, scaled by the zoom (the paper size stays). */
async function encode(img: HTMLImageElement, s: EditState, source: Size, dpi: number | null): Promise<Blob | null> {
  const canvas = document.createElement('canvas');
  render(canvas, img, s, source, s.zoom, true);
  const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/jpeg', 0.9));
  if (!blob || !dpi) return blob;
  const bytes = withJpegDpi(new Uint8Array(await blob.arrayBuffer()), dpi * s.zoom);
  return new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'image/jpeg' });
}

/** fileDpi reads the resolution a file records (null when none or unreadable). */
async function fileDpi(file: File): Promise<number | null> {
  try {
    return readDpi(new Uint8Array(await file.slice(0, 64 << 10).arrayBuffer()));
  } catch {
    return null;
  }
}

interface Props {
  caseId: string;
  materialCode: string;
  materialName: string;
  maxBytes?: number;
  onClose: () => void;
  /** Runs after an upload; the dialog closes once what it returns has settled (the case reloaded). */
  onUploaded: () => unknown;
  /** Replaces the image of this archive (1.4.6) instead of capturing a new one. */
  replace?: { id: string; version: number };
}

/**
 * ArchiveCapture takes a local file, a scan or a camera image (1.4.13–1.4.15),
 * lets the clerk rotate, flip, crop and zoom it (1.4.16), shows its size
 * against the limit (1.4.9) and uploads it as an archive of the material (1.4.1).
 */
export function ArchiveCapture({ caseId, materialCode, materialName, maxBytes = defaultMaxBytes, onClose, onUploaded, replace }: Props) {
  const { message } = App.useApp();
  const navigate = useNavigate();
  const store = useSessionStore();
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [edit, setEdit] = useState<EditState | null>(null);
  // The last encoding of the edited image (null: it could not be encoded), and the edit it encodes.
  const [encoded, setEncoded] = useState<{ edit: EditState; blob: Blob | null } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [uploading, setUploading] = useState(false);
  // Pages already added (several images as one material); the one in the editor comes after them.
  const [pages, setPages] = useState<File[]>([]);
  // The document camera's live picture is open (1.4.15).
  const [camera, setCamera] = useState(false);
  // The scanner panel is open (1.4.14).
  const [scanner, setScanner] = useState(false);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const drag = useRef<{ mode: 'move' | 'resize'; x: number; y: number } | null>(null);

  useEffect(() => () => {
    if (loaded) URL.revokeObjectURL(loaded.url);
  }, [loaded]);

  const pickMany = (files: FileList | null) => {
    const list = [...(files ?? [])];
    if (list.length <= 1) {
      pick(list[0]);
      return;
    }
    // Several images at once: each becomes a page, as it is.
    setError(null);
    if (list.some((f) => !accepted.includes(f.type))) {
      setError(t.unsupported);
      return;
    }
    if (list.some((f) => f.type === 'application/pdf')) {
      setError(t.pdfAlone);
      return;
    }
    setPages((p) => [...p, ...list]);
  };

  const pick = (file: File | undefined) => {
    setError(null);
    setLoaded(null);
    setEncoded(null);
    if (!file) return;
    if (!accepted.includes(file.type)) {
      setError(t.unsupported);
      return;
    }
    if (file.type === 'application/pdf' && pages.length > 0) {
      setError(t.pdfAlone);
      return;
    }
    const url = URL.createObjectURL(file);
    if (file.type === 'application/pdf') {
      setLoaded({ file, image: null, size: { width: 0, height: 0 }, url, dpi: null });
      setEdit(null);
      return;
    }
    const img = new Image();
    const dpi = fileDpi(file);
    img.onload = () => {
      const size = { width: img.naturalWidth, height: img.naturalHeight };
      void dpi.then((d) => {
        setLoaded({ file, image: img, size, url, dpi: d });
        setEdit(initialState(size));
      });
    };
    img.onerror = () => setError(t.unreadable);
    img.src = url;
  };

  const shown = loaded && edit ? rotatedSize(loaded.size, edit.rotation) : null;
  const scale = shown ? fitScale(shown, previewBox) : 1;

  // The preview: the whole turned image with the crop drawn over it.
  useEffect(() => {
    if (!loaded?.image || !edit || !canvasRef.current) return;
    render(canvasRef.current, loaded.image, edit, loaded.size, scale, false);
  }, [loaded, edit, scale]);

  // What will be uploaded: the file itself (a PDF, an unedited image) or the
  // edited image, encoded (debounced) to measure it; the last encoding stands
  // while the next one is measured.
  const unchanged = !!loaded?.image && !!edit && isUnchanged(edit, loaded.size);
  const result: Blob | null = !loaded ? null : !loaded.image || unchanged ? loaded.file : (encoded?.blob ?? null);
  const measuring = !!loaded?.image && !!edit && !unchanged && encoded?.edit !== edit;
  useEffect(() => {
    if (!loaded?.image || !edit || isUnchanged(edit, loaded.size)) return;
    const image = loaded.image;
    let cancelled = false;
    const timer = window.setTimeout(() => {
      void encode(image, edit, loaded.size, loaded.dpi).then((blob) => {
        if (!cancelled) setEncoded({ edit, blob });
      });
    }, 250);
    return () => {
      cancelled = true;
      window.clearTimeout(timer);
    };
  }, [loaded, edit]);

  const startDrag = (mode: 'move' | 'resize', e: ReactPointerEvent) => {
    e.preventDefault();
    e.stopPropagation();
    drag.current = { mode, x: e.clientX, y: e.clientY };
    (e.target as Element).setPointerCapture?.(e.pointerId);
  };
  const onPointerMove = useCallback(
    (e: ReactPointerEvent) => {
      const d = drag.current;
      if (!d || !edit || !shown) return;
      const dx = (e.clientX - d.x) / scale;
      const dy = (e.clientY - d.y) / scale;
      if (Math.abs(dx) < 1 && Math.abs(dy) < 1) return;
      drag.current = { ...d, x: e.clientX, y: e.clientY };
      const crop = d.mode === 'move' ? moveCrop(edit.crop, dx, dy, shown) : resizeCrop(edit.crop, dx, dy, shown);
      setEdit({ ...edit, crop });
    },
    [edit, shown, scale],
  );
  const onPointerUp = () => {
    drag.current = null;
  };

  /** current is what the editor holds, as a file to upload (null while there is none or it is being measured). */
  const current = (): File | null => {
    if (!result || !loaded) return null;
    if (result instanceof File) return result;
    return new File([result], loaded.file.name.replace(/\.[^.]+$/, '') + '.jpg', { type: result.type });
  };
  const all = [...pages, ...(result && loaded ? [result] : [])];
  const total = all.reduce((n, b) => n + b.size, 0);
  const tooLarge = all.length > 0 && total > maxBytes;
  const canAddPage = !!loaded?.image && !!result && !measuring;

  const addPage = () => {
    const f = current();
    if (!f) return;
    setPages((p) => [...p, f]);
    setLoaded(null);
    setEdit(null);
    setEncoded(null);
  };

  const upload = async () => {
    const cur = current();
    const files = [...pages, ...(cur ? [cur] : [])];
    if (files.length === 0) return;
    setUploading(true);
    try {
      const [file, ...rest] = files;
      const morePages = rest.length > 0 ? rest : undefined;
      const token = store.get()?.accessToken;
      if (replace) await uploadMutation(ModifyArchiveDocument, { id: replace.id, version: replace.version, file, morePages }, token);
      else await uploadMutation(UploadArchiveDocument, { caseId, materialCode, file, morePages }, token);
      message.success(replace ? t.replaced : t.uploaded);
      // The case's version moved: close once it is reloaded, so a step taken next sends the new one.
      await Promise.resolve(onUploaded()).catch(() => undefined);
      onClose();
    } catch (e) {
      applyError(e, {
        notify: (m) => setError(m),
        setFieldError: (field, m) => (field === 'file' ? (setError(m), true) : false),
        toLogin: () => void navigate(paths.login),
        refresh: onUploaded,
      });
    } finally {
      setUploading(false);
    }
  };

  const set = (next: EditState) => setEdit(next);
  const src = loaded?.size;

  return (
    <Modal
      open
      width={760}
      style={{ top: 16 }}
      title={replace ? t.replaceTitle(materialName) : t.title(materialName)}
      okText={replace ? t.replace : t.upload}
      cancelText={zhCN.app.cancel}
      okButtonProps={{ disabled: all.length === 0 || tooLarge || measuring, loading: uploading }}
      onOk={() => void upload()}
      onCancel={onClose}
      destroyOnHidden
    >
      <Space direction="vertical" style={{ width: '100%' }} size="middle">
        <Space wrap>
          <Button icon={<FolderOpenOutlined />} onClick={() => document.getElementById('archive-file')?.click()}>
            {t.choose}
          </Button>
          <Button icon={<CameraOutlined />} onClick={() => (setScanner(false), setCamera(true))} disabled={camera} data-testid="camera-open">
            {t.camera}
          </Button>
          <Button icon={<ScanOutlined />} onClick={() => (setCamera(false), setScanner(true))} disabled={scanner} data-testid="scanner-open">
            {t.scan}
          </Button>
          <input
            id="archive-file"
            data-testid="archive-file"
            type="file"
            accept={accepted.join(',')}
            multiple
            style={{ display: 'none' }}
            onChange={(e) => {
              pickMany(e.target.files);
              e.target.value = '';
            }}
          />
          <Typography.Text type="secondary">{t.hint}</Typography.Text>
        </Space>

        {scanner && (
          <ScannerCapture
            onScan={(file) => {
              setScanner(false);
              pick(file);
            }}
            onCancel={() => setScanner(false)}
          />
        )}

        {camera && (
          <CameraCapture
            onCapture={(file) => {
              setCamera(false);
              pick(file);
            }}
            onCancel={() => setCamera(false)}
          />
        )}

        {pages.length > 0 && (
          <Space wrap data-testid="archive-pages">
            <Typography.Text>{t.pagesAdded(pages.length)}</Typography.Text>
            {pages.map((p, i) => (
              <Tag key={`${i}-${p.name}`} closable onClose={() => setPages((ps) => ps.filter((_, j) => j !== i))}>
                {t.pageN(i + 1)} · {p.name}
              </Tag>
            ))}
          </Space>
        )}

        {loaded && !loaded.image && <Alert type="info" message={t.pdfReady(loaded.file.name)} />}

        {loaded?.image && edit && src && shown && (
          <>
            <Space wrap>
              <Tooltip title={t.rotateLeft}>
                <Button icon={<RotateLeftOutlined />} onClick={() => set(rotate(edit, src, 'ccw'))}>{t.rotateLeft}</Button>
              </Tooltip>
              <Button icon={<RotateRightOutlined />} onClick={() => set(rotate(edit, src, 'cw'))}>{t.rotateRight}</Button>
              <Button icon={<ColumnWidthOutlined />} onClick={() => set(flip(edit, src, 'h'))}>{t.flipH}</Button>
              <Button icon={<ColumnHeightOutlined />} onClick={() => set(flip(edit, src, 'v'))}>{t.flipV}</Button>
              <Button onClick={() => set({ ...edit, crop: fullRect(shown) })}>{t.resetCrop}</Button>
              <Button icon={<UndoOutlined />} onClick={() => set(initialState(src))}>{t.reset}</Button>
            </Space>
            <Space align="center" style={{ width: '100%' }}>
              <Typography.Text>{t.zoom}</Typography.Text>
              <Slider
                style={{ width: 240 }}
                ariaLabelForHandle={t.zoom}
                min={minZoom}
                max={maxZoom}
                step={0.05}
                value={edit.zoom}
                tooltip={{ formatter: (v) => `${Math.round((v ?? 1) * 100)}%` }}
                onChange={(v) => set({ ...edit, zoom: clampZoom(v) })}
              />
              <Typography.Text type="secondary">{`${Math.round(edit.zoom * 100)}%`}</Typography.Text>
              <Typography.Text type="secondary">
                {t.outputSize(outputSize(edit).width, outputSize(edit).height)}
              </Typography.Text>
            </Space>
            <div
              style={{ display: 'flex', justifyContent: 'center', background: '#262626', padding: 8, borderRadius: 6 }}
            >
              <div
                style={{ position: 'relative', lineHeight: 0, touchAction: 'none' }}
                onPointerMove={onPointerMove}
                onPointerUp={onPointerUp}
                onPointerLeave={onPointerUp}
              >
                <canvas ref={canvasRef} data-testid="archive-preview" />
                <div
                  data-testid="crop-rect"
                  onPointerDown={(e) => startDrag('move', e)}
                  style={{
                    position: 'absolute',
                    left: edit.crop.x * scale,
                    top: edit.crop.y * scale,
                    width: edit.crop.width * scale,
                    height: edit.crop.height * scale,
                    border: '2px solid #1677ff',
                    boxShadow: '0 0 0 9999px rgba(0,0,0,0.45)',
                    cursor: 'move',
                    boxSizing: 'border-box',
                  }}
                >
                  <div
                    onPointerDown={(e) => startDrag('resize', e)}
                    style={{
                      position: 'absolute',
                      right: -7,
                      bottom: -7,
                      width: 14,
                      height: 14,
                      background: '#1677ff',
                      border: '2px solid #fff',
                      cursor: 'nwse-resize',
                    }}
                  />
                </div>
              </div>
            </div>
            <Typography.Text type="secondary">{t.cropHint}</Typography.Text>
          </>
        )}

        {canAddPage && (
          <Button icon={<PlusOutlined />} onClick={addPage} data-testid="archive-add-page">
            {t.addPage}
          </Button>
        )}
        {all.length > 0 && (
          <Typography.Text data-testid="archive-size" type={tooLarge ? 'danger' : undefined}>
            {t.size}：{measuring ? t.measuring : formatBytes(total)} / {t.limit} {formatBytes(maxBytes)}
          </Typography.Text>
        )}
        {tooLarge && <Alert type="error" showIcon message={t.tooLarge} />}
        {error && <Alert type="error" showIcon message={error} />}
      </Space>
    </Modal>
  );
}
