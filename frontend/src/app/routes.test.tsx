import { describe, expect, it } from 'vitest';
import { accessFor } from '../lib/access';
import { kinds } from '../features/kinds';
import { IntakeDraft } from '../features/intake/IntakeDraft';
import { breadcrumbs, menuItems, routeAt, routeLabel, routes, selectedMenuKey } from './routes';

describe('the route table', () => {
  it('gives every kind’s intake a route, a menu entry and an access key', () => {
    for (const k of Object.values(kinds)) {
      const r = routes.find((x) => x.path === k.intake.path);
      expect(r).toMatchObject({ menu: k.intake.menu, access: k.intake.access });
      // Wrapped in the unsaved-changes guard and draft (19 item 5).
      expect((r?.element as { type?: unknown }).type).toBe(IntakeDraft);
      expect(k.intake.menu.label).toMatch(/\p{Script=Han}/u);
    }
  });

  it('derives the menu from the routes the roles may open', () => {
    const clerk = menuItems(accessFor(['CLERK'])).map((i) => i.label);
    expect(clerk).toEqual(['工作台', '案件列表', ...Object.values(kinds).map((k) => k.intake.menu.label), '网上申请', '平台消息指令', '身份证招领', '文书验章', '档案管理', '我的印章']);
    expect(menuItems(accessFor(['OFFICER'])).map((i) => i.label)).toEqual(['工作台', '案件列表', '平台消息指令', '文书验章', '档案管理', '我的印章']);
    expect(menuItems(accessFor(['ARCHIVIST'])).map((i) => i.label)).toEqual(['工作台', '案件列表', '文书验章', '档案管理', '我的印章']);
    expect(menuItems(accessFor(['ANALYST'])).map((i) => i.label)).toEqual(['工作台', '案件列表', '查询统计']);
    expect(menuItems(accessFor(['INTEGRATOR']))).toEqual([]);
    expect(menuItems(accessFor(['ADMIN'])).map((i) => i.label)).toEqual([
      '工作台',
      '案件列表',
      '平台消息指令',
      '查询统计',
      '文书验章',
      '档案管理',
      '用户管理',
      '审计日志',
      '运行维护',
      '电子印章',
      '我的印章',
      '接入平台管理',
      '推送记录',
    ]);
  });

  it('selects the menu entry a page belongs to', () => {
    expect(selectedMenuKey('/')).toBe('/');
    expect(selectedMenuKey('/cases')).toBe('/cases');
    expect(selectedMenuKey('/cases/Q2FzZTox')).toBe('/cases');
    expect(selectedMenuKey('/archives/print')).toBe('/archives');
    for (const k of Object.values(kinds)) expect(selectedMenuKey(k.intake.path)).toBe(k.intake.path);
  });

  it('names every page in Chinese, for its tab title and breadcrumbs', () => {
    for (const r of routes) expect(routeLabel(r), r.path).toMatch(/^\p{Script=Han}+$/u);
  });

  it('finds the page a location shows', () => {
    expect(routeAt('/')?.path).toBe('/');
    expect(routeAt('/query')?.path).toBe('/query');
    expect(routeAt('/query/population')?.path).toBe('/query/:source');
    expect(routeAt('/cases/Q2FzZTox')?.path).toBe('/cases/:id');
    expect(routeAt('/nowhere')).toBeUndefined();
  });

  it('derives the breadcrumbs from the route table', () => {
    const trail = (p: string) => breadcrumbs(p).map((c) => [c.href, c.label]);
    expect(trail('/')).toEqual([['/', '工作台']]);
    expect(trail('/cases')).toEqual([['/', '工作台'], ['/cases', '案件列表']]);
    expect(trail('/cases/Q2FzZTox')).toEqual([['/', '工作台'], ['/cases', '案件列表'], ['/cases/Q2FzZTox', '案件详情']]);
    // A source of the query page is the query page: named once.
    expect(trail('/query/population')).toEqual([['/', '工作台'], ['/query/population', '查询统计']]);
    expect(trail('/admin/users')).toEqual([['/', '工作台'], ['/admin/users', '用户管理']]);
    for (const k of Object.values(kinds)) expect(trail(k.intake.path)).toEqual([['/', '工作台'], [k.intake.path, k.intake.menu.label]]);
  });
});
