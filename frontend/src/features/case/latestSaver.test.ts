import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { latestSaver } from './latestSaver';

// Column settings saved without an audit row per click (#18).
describe('latestSaver', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  /** saves records what was saved; each save answers when its resolve is called (or at once when auto). */
  function recorder(auto = true) {
    const saved: string[] = [];
    const answers: (() => void)[] = [];
    const save = vi.fn((v: string) => {
      saved.push(v);
      return auto ? Promise.resolve() : new Promise<void>((resolve) => answers.push(resolve));
    });
    return { saved, answers, save };
  }

  it('saves a burst of changes once, 800 ms after the last, the latest change', async () => {
    const { saved, save } = recorder();
    const s = latestSaver(save, 800, vi.fn());
    s.change('a');
    await vi.advanceTimersByTimeAsync(500);
    s.change('b');
    await vi.advanceTimersByTimeAsync(500);
    s.change('c');
    await vi.advanceTimersByTimeAsync(799);
    expect(saved).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(saved).toEqual(['c']);
    await vi.advanceTimersByTimeAsync(5000);
    expect(save).toHaveBeenCalledTimes(1);
  });

  it('flushes a waiting change at once, and only once', async () => {
    const { saved, save } = recorder();
    const s = latestSaver(save, 800, vi.fn());
    s.flush();
    expect(save).not.toHaveBeenCalled();
    s.change('a');
    s.change('b');
    s.flush();
    expect(saved).toEqual(['b']);
    await vi.advanceTimersByTimeAsync(5000);
    s.flush();
    expect(saved).toEqual(['b']);
  });

  it('saves one at a time, the latest change last', async () => {
    const { saved, answers, save } = recorder(false);
    const s = latestSaver(save, 800, vi.fn());
    s.change('a');
    await vi.advanceTimersByTimeAsync(800);
    expect(saved).toEqual(['a']);
    // Changed while 'a' is on its way: waits for 'a', then its own delay.
    s.change('b');
    s.change('c');
    await vi.advanceTimersByTimeAsync(800);
    expect(saved).toEqual(['a']);
    answers[0]();
    await vi.advanceTimersByTimeAsync(0);
    expect(saved).toEqual(['a', 'c']);
    // Flushed while a save is on its way: sent as soon as that one answers.
    s.change('d');
    s.flush();
    expect(saved).toEqual(['a', 'c']);
    answers[1]();
    await vi.advanceTimersByTimeAsync(0);
    expect(saved).toEqual(['a', 'c', 'd']);
    answers[2]();
    await vi.advanceTimersByTimeAsync(5000);
    expect(saved).toEqual(['a', 'c', 'd']);
  });

  it('tells about a failed save and still saves later changes', async () => {
    const onError = vi.fn();
    const save = vi.fn((v: string) => (v === 'a' ? Promise.reject(new Error('offline')) : Promise.resolve()));
    const s = latestSaver(save, 800, onError);
    s.change('a');
    await vi.advanceTimersByTimeAsync(800);
    expect(onError).toHaveBeenCalledTimes(1);
    s.change('b');
    await vi.advanceTimersByTimeAsync(800);
    expect(save.mock.calls.map((c) => c[0])).toEqual(['a', 'b']);
    expect(onError).toHaveBeenCalledTimes(1);
  });
});
