// The workstation's camera through getUserMedia (the clerk's browser asks
// for permission once): a live preview and snapshots drawn onto a canvas.
import { useEffect, useRef, useState } from 'react';
import type { Rect, Size } from '../rules';

/** useCamera starts and stops the camera; video is the preview element. */
export function useCamera() {
  const video = useRef<HTMLVideoElement>(null);
  const [stream, setStream] = useState<MediaStream | null>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    if (video.current && stream) {
      video.current.srcObject = stream;
      void video.current.play().catch(() => undefined);
    }
    return () => stream?.getTracks().forEach((tr) => tr.stop());
  }, [stream]);
  const start = async () => {
    setFailed(false);
    try {
      if (!navigator.mediaDevices?.getUserMedia) throw new Error('no camera API');
      setStream(await navigator.mediaDevices.getUserMedia({ video: { width: { ideal: 1280 }, height: { ideal: 960 } }, audio: false }));
    } catch {
      setFailed(true);
    }
  };
  const stop = () => setStream(null);
  return { video, streaming: stream !== null, failed, start, stop };
}

/** snapshot draws crop of the video's current frame onto a canvas of out size. */
export function snapshot(v: HTMLVideoElement, crop: Rect, out: Size): HTMLCanvasElement {
  const canvas = document.createElement('canvas');
  canvas.width = out.width;
  canvas.height = out.height;
  canvas.getContext('2d')?.drawImage(v, crop.x, crop.y, crop.width, crop.height, 0, 0, out.width, out.height);
  return canvas;
}

/** jpeg encodes a canvas as JPEG at quality. */
export function jpeg(canvas: HTMLCanvasElement, quality: number): Promise<Blob> {
  return new Promise((resolve, reject) => {
    canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('the browser could not encode the photo'))), 'image/jpeg', quality);
  });
}
