import { afterEach, describe, expect, it, vi } from 'vitest';
import { fireEvent, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { renderWithProviders } from '../../test/render';
import { CameraCapture, cameraError } from './CameraCapture';

const original = Object.getOwnPropertyDescriptor(navigator, 'mediaDevices');
afterEach(() => {
  if (original) Object.defineProperty(navigator, 'mediaDevices', original);
  else delete (navigator as { mediaDevices?: unknown }).mediaDevices;
  vi.restoreAllMocks();
});

function mediaDevices(getUserMedia: () => Promise<unknown>) {
  Object.defineProperty(navigator, 'mediaDevices', {
    configurable: true,
    value: {
      getUserMedia: vi.fn(getUserMedia),
      enumerateDevices: vi.fn(() =>
        Promise.resolve([
          { kind: 'videoinput', deviceId: 'cam-1', label: '高拍仪 A4' },
          { kind: 'videoinput', deviceId: 'cam-2', label: '' },
          { kind: 'audioinput', deviceId: 'mic', label: '麦克风' },
        ]),
      ),
    },
  });
}

describe('cameraError', () => {
  it('says in Chinese why the camera cannot be used', () => {
    expect(cameraError(new DOMException('x', 'NotAllowedError'))).toMatch(/未获准/);
    expect(cameraError(new DOMException('x', 'NotFoundError'))).toMatch(/未找到高拍仪/);
    expect(cameraError(new DOMException('x', 'NotReadableError'))).toMatch(/占用/);
    expect(cameraError(new Error('?'))).toMatch(/未能/);
  });
});

describe('CameraCapture', () => {
  it('shows the live picture of the chosen camera and captures a frame at full resolution (1.4.15)', async () => {
    const user = userEvent.setup();
    const stop = vi.fn();
    mediaDevices(() => Promise.resolve({ getTracks: () => [{ stop }], getVideoTracks: () => [{ getSettings: () => ({ deviceId: 'cam-1' }) }] }));
    vi.spyOn(HTMLMediaElement.prototype, 'play').mockResolvedValue(undefined);
    const drawImage = vi.fn();
    vi.spyOn(HTMLCanvasElement.prototype, 'getContext').mockReturnValue({ drawImage } as never);
    vi.spyOn(HTMLCanvasElement.prototype, 'toBlob').mockImplementation(function (this: HTMLCanvasElement, cb: BlobCallback) {
      cb(new Blob([`${this.width}x${this.height}`], { type: 'image/jpeg' }));
    });
    const onCapture = vi.fn();
    renderWithProviders(<CameraCapture onCapture={onCapture} onCancel={vi.fn()} />, []);
    expect(await screen.findByRole('combobox', { name: '摄像头' })).toBeInTheDocument();
    const video = screen.getByTestId('camera-preview');
    Object.defineProperty(video, 'videoWidth', { value: 3264 });
    Object.defineProperty(video, 'videoHeight', { value: 2448 });
    expect(screen.getByRole('button', { name: /拍\s*摄/ })).toBeDisabled();
    fireEvent.loadedData(video);
    await user.click(screen.getByRole('button', { name: /拍\s*摄/ }));
    await waitFor(() => expect(onCapture).toHaveBeenCalledTimes(1));
    const file = onCapture.mock.calls[0][0] as File;
    expect(file.name).toMatch(/^高拍仪-\d{14}\.jpg$/);
    expect(file.type).toBe('image/jpeg');
    expect(await file.text()).toBe('3264x2448');
    expect(drawImage).toHaveBeenCalledWith(video, 0, 0, 3264, 2448);
    expect(stop).toHaveBeenCalled();
  });

  it('says so when the browser may not use the camera', async () => {
    mediaDevices(() => Promise.reject(new DOMException('denied', 'NotAllowedError')));
    renderWithProviders(<CameraCapture onCapture={vi.fn()} onCancel={vi.fn()} />, []);
    expect(await screen.findByTestId('camera-error')).toHaveTextContent('浏览器未获准使用摄像头');
  });

  it('says so when the browser has no camera support', () => {
    Object.defineProperty(navigator, 'mediaDevices', { configurable: true, value: undefined });
    renderWithProviders(<CameraCapture onCapture={vi.fn()} onCancel={vi.fn()} />, []);
    expect(screen.getByTestId('camera-error')).toHaveTextContent('当前浏览器不支持调用摄像头');
  });
});
