import { describe, expect, it } from 'vitest';
import { moveOutPlan } from './details';

const members = [
  { idNumber: 'H', name: '陈东', status: 'ACTIVE', relation: '02' },
  { idNumber: 'S', name: '王莹', status: 'ACTIVE', relation: '12' },
  { idNumber: 'C', name: '陈依诺', status: 'ACTIVE', relation: '31' },
  { idNumber: 'X', name: '陈旧', status: 'MOVED_OUT', relation: '20' },
];

describe('moveOutPlan', () => {
  it('asks for a new head when the head leaves and others stay', () => {
    const p = moveOutPlan(members, ['H', 'C']);
    expect(p.headLeaves).toBe(true);
    expect(p.allLeave).toBe(false);
    expect(p.staying.map((m) => m.idNumber)).toEqual(['S']);
  });
  it('closes the household when every active member leaves', () => {
    const p = moveOutPlan(members, ['H', 'S', 'C']);
    expect(p.allLeave).toBe(true);
    expect(p.leaving).toHaveLength(3);
  });
  it('keeps the head when a child leaves', () => {
    const p = moveOutPlan(members, ['C']);
    expect(p.headLeaves).toBe(false);
    expect(p.staying.map((m) => m.idNumber)).toEqual(['H', 'S']);
  });
});
