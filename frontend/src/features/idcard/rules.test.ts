import { describe, expect, it } from 'vitest';
import { ageOn, anniversary, fitQuality, frameCrop, today, validity, validityYears } from './rules';

describe('the validity rule (Resident Identity Card Law art. 5), as domain/idcard computes it', () => {
  it.each([
    ['2010-06-20', '2026-06-19', 15, 5],
    ['2010-06-20', '2026-06-20', 16, 10],
    ['2000-06-20', '2026-06-19', 25, 10],
    ['2000-06-20', '2026-06-20', 26, 20],
    ['1980-06-20', '2026-06-19', 45, 20],
    ['1980-06-20', '2026-06-20', 46, 0],
    ['2008-02-29', '2024-02-28', 15, 5],
    ['2008-02-29', '2024-02-29', 16, 10],
    ['2000-02-29', '2026-02-27', 25, 10],
    ['2000-02-29', '2026-02-28', 26, 20],
    ['1980-02-29', '2026-02-28', 46, 0],
  ])('born %s, applying %s: age %i, %i years', (birth, applied, age, years) => {
    expect(ageOn(birth, applied)).toBe(age);
    expect(validityYears(age)).toBe(years);
  });

  it('runs from the issue date to its anniversary; a leap day ends on 28 February of a common year', () => {
    expect(validity('1987-06-20', '2026-12-01', '2026-12-02')).toEqual({ age: 39, years: 20, longTerm: false, validFrom: '2026-12-02', validUntil: '2046-12-02' });
    expect(validity('1970-01-01', '2026-12-01', '2026-12-02')).toMatchObject({ years: 0, longTerm: true, validUntil: '' });
    expect(anniversary('2024-02-29', 5)).toBe('2029-02-28');
    expect(anniversary('2024-02-29', 20)).toBe('2044-02-29');
    expect(anniversary('not a date', 5)).toBe('');
  });

  it('dates the day in China', () => {
    expect(today(new Date('2026-06-19T17:00:00Z'))).toBe('2026-06-20');
    expect(today(new Date('2026-06-19T15:59:00Z'))).toBe('2026-06-19');
  });
});

describe('the photo frame', () => {
  it('keeps the largest centred 358:441 part of a camera image', () => {
    const r = frameCrop({ width: 1280, height: 960 }, { width: 358, height: 441 });
    expect(r.height).toBe(960);
    expect(Math.abs(r.width / r.height - 358 / 441)).toBeLessThan(0.002);
    expect(r.x).toBe(Math.round((1280 - r.width) / 2));
    const tall = frameCrop({ width: 600, height: 2000 }, { width: 358, height: 441 });
    expect(tall.width).toBe(600);
    expect(tall.y).toBeGreaterThan(0);
  });

  it('encodes at the best quality within the size bound', async () => {
    const sizes: Record<number, number> = { 0.95: 90_000, 0.92: 70_000, 0.88: 60_000, 0.84: 50_000 };
    const tried: number[] = [];
    const encode = (q: number) => {
      tried.push(q);
      return Promise.resolve(new Blob([new Uint8Array(sizes[q] ?? 40_000)]));
    };
    expect((await fitQuality(encode, 65_000)).size).toBe(60_000);
    expect(tried).toEqual([0.95, 0.92, 0.88]);
    const smallest = await fitQuality(() => Promise.resolve(new Blob([new Uint8Array(100_000)])), 10);
    expect(smallest.size).toBe(100_000);
  });
});
