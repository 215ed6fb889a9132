import { describe, expect, it } from 'vitest';
import { accessFor } from '../lib/access';
import { kinds } from '../features/kinds';
import { menuItems, routes, selectedMenuKey } from './routes';

describe('the route table', () => {
  it('gives every kind’s intake a route, a menu entry and an access key', () => {
    for (const k of Object.values(kinds)) {
      expect(routes).toContain(k.intake);
      expect(k.intake.menu.label).toMatch(/\p{Script=Han}/u);
    }
  });

  it('derives the menu from the routes the roles may open', () => {
    const clerk = menuItems(accessFor(['CLERK'])).map((i) => i.label);
    expect(clerk).toEqual(['工作台', '案件列表', ...Object.values(kinds).map((k) => k.intake.menu.label), '网上申请', '文书验章', '档案管理']);
    expect(menuItems(accessFor(['OFFICER'])).map((i) => i.label)).toEqual(['工作台', '案件列表', '文书验章', '档案管理']);
    expect(menuItems(accessFor(['ARCHIVIST'])).map((i) => i.label)).toEqual(['工作台', '案件列表', '文书验章', '档案管理']);
    expect(menuItems(accessFor(['ANALYST'])).map((i) => i.label)).toEqual(['工作台', '案件列表', '查询统计']);
    expect(menuItems(accessFor(['INTEGRATOR']))).toEqual([]);
    expect(menuItems(accessFor(['ADMIN'])).map((i) => i.label)).toEqual(['工作台', '案件列表', '查询统计', '文书验章', '档案管理', '用户管理', '审计日志', '运行维护', '电子印章']);
  });

  it('selects the menu entry a page belongs to', () => {
    expect(selectedMenuKey('/')).toBe('/');
    expect(selectedMenuKey('/cases')).toBe('/cases');
    expect(selectedMenuKey('/cases/Q2FzZTox')).toBe('/cases');
    expect(selectedMenuKey('/archives/print')).toBe('/archives');
    for (const k of Object.values(kinds)) expect(selectedMenuKey(k.intake.path)).toBe(k.intake.path);
  });
});
