import { beforeEach, describe, expect, it } from 'vitest';
import {
  caseColumnKeys,
  defaultColumnSettings,
  forgetLegacySettings,
  initialSettings,
  legacySettings,
  move,
  normalizeSettings,
  serverValue,
  settingsFromServer,
} from './caseColumns';

// The case list's column settings, kept on the server (#19 item 4).
describe('caseColumns', () => {
  beforeEach(() => window.localStorage.clear());

  it('keeps valid stored settings, drops unknown columns and adds new ones at the end', () => {
    expect(normalizeSettings(null)).toEqual(defaultColumnSettings);
    const s = normalizeSettings({ order: ['status', 'bogus', 'collabNo', 'status'], hidden: ['kind', 'nope'] });
    expect(s.order.slice(0, 2)).toEqual(['status', 'collabNo']);
    expect(s.order).toHaveLength(caseColumnKeys.length);
    expect(s.hidden).toEqual(['kind']);
    expect(normalizeSettings({ hidden: [...caseColumnKeys] }).hidden, 'one column stays shown').toEqual([]);
  });

  it('reads the server’s settings, normalised, and nothing when none or unreadable', () => {
    expect(settingsFromServer(null)).toBeNull();
    expect(settingsFromServer('')).toBeNull();
    expect(settingsFromServer('{not json')).toBeNull();
    const s = settingsFromServer('{"order":["status","gone"],"hidden":["people"]}');
    expect(s?.order[0]).toBe('status');
    expect(s?.order).toHaveLength(caseColumnKeys.length);
    expect(s?.hidden).toEqual(['people']);
    expect(JSON.parse(serverValue({ order: ['kind', 'collabNo'], hidden: ['kind'] }))).toEqual({ order: ['kind', 'collabNo'], hidden: ['kind'] });
  });

  it('prefers the server, migrates the browser’s old copy once, else the defaults', () => {
    const old = { order: move(defaultColumnSettings.order, 'status', -1), hidden: ['people' as const] };
    window.localStorage.setItem('hukou.caseList.columns.clerk', JSON.stringify(old));
    expect(legacySettings('clerk')).toEqual(old);
    expect(legacySettings('officer'), 'another user has their own').toBeNull();
    // The server keeps nothing yet: show the browser's copy and move it there.
    expect(initialSettings(null, legacySettings('clerk'))).toEqual({ settings: old, migrate: old });
    // The server keeps settings: they win, nothing to migrate.
    const kept = serverValue({ order: [...caseColumnKeys], hidden: ['kind'] });
    expect(initialSettings(kept, legacySettings('clerk'))).toEqual({ settings: { order: [...caseColumnKeys], hidden: ['kind'] }, migrate: null });
    expect(initialSettings(null, null)).toEqual({ settings: defaultColumnSettings, migrate: null });
    forgetLegacySettings('clerk');
    expect(window.localStorage.length).toBe(0);
    window.localStorage.setItem('hukou.caseList.columns.clerk', '{not json');
    expect(legacySettings('clerk')).toBeNull();
  });

  it('moves a column within the order, not past its ends', () => {
    expect(move(['collabNo', 'kind', 'people'], 'people', -1)).toEqual(['collabNo', 'people', 'kind']);
    expect(move(['collabNo', 'kind'], 'collabNo', -1)).toEqual(['collabNo', 'kind']);
    expect(move(['collabNo', 'kind'], 'kind', 1)).toEqual(['collabNo', 'kind']);
  });
});
