import { beforeEach, describe, expect, it } from 'vitest';
import {
  caseColumnKeys,
  defaultColumnSettings,
  exportColumns,
  exportCondition,
  loadColumnSettings,
  move,
  normalizeSettings,
  saveColumnSettings,
  shownColumns,
} from './caseColumns';

// The case list's column settings and export (#19 item 4).
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

  it('keeps the settings per user and forgets the defaults', () => {
    const mine = { order: move(defaultColumnSettings.order, 'status', -1), hidden: ['people' as const] };
    saveColumnSettings('clerk', mine);
    expect(loadColumnSettings('clerk')).toEqual(mine);
    expect(loadColumnSettings('officer'), 'another user has their own').toEqual(defaultColumnSettings);
    saveColumnSettings('clerk', defaultColumnSettings);
    expect(window.localStorage.length).toBe(0);
    window.localStorage.setItem('hukou.caseList.columns.clerk', '{not json');
    expect(loadColumnSettings('clerk')).toEqual(defaultColumnSettings);
  });

  it('moves a column within the order, not past its ends', () => {
    expect(move(['collabNo', 'kind', 'people'], 'people', -1)).toEqual(['collabNo', 'people', 'kind']);
    expect(move(['collabNo', 'kind'], 'collabNo', -1)).toEqual(['collabNo', 'kind']);
    expect(move(['collabNo', 'kind'], 'kind', 1)).toEqual(['collabNo', 'kind']);
  });

  it('exports the shown columns’ query fields in their order', () => {
    const s = { order: normalizeSettings({ order: ['status'] }).order, hidden: ['kind' as const, 'deadline' as const] };
    expect(shownColumns(s)[0]).toBe('status');
    expect(exportColumns(s)).toEqual(['status', 'collabNo', 'side', 'acceptanceOffice', 'registrationOffice', 'createdAt', 'updatedAt']);
  });

  it('turns the list’s filter into a condition on a kind’s query source', () => {
    expect(exportCondition({}, '2026-11-26')).toBeNull();
    expect(exportCondition({ status: 'SUBMITTED', side: 'ACCEPTANCE', collabNo: 'XT1', from: '2026-11-01' }, '2026-11-26')).toEqual({
      group: 'AND',
      children: [
        { field: 'status', op: 'EQ', values: ['SUBMITTED'] },
        { field: 'side', op: 'EQ', values: ['ACCEPTANCE'] },
        { field: 'collabNo', op: 'EQ', values: ['XT1'] },
        { field: 'createdAt', op: 'BETWEEN', values: ['2026-11-01', '2026-11-26'] },
      ],
    });
    expect(exportCondition({ to: '2026-11-02' }, '2026-11-26')?.children?.[0].values).toEqual(['2000-01-01', '2026-11-02']);
  });
});
