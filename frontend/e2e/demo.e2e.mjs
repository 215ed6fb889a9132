// End-to-end on the `make run` setup (19, "Done when"): `hukou demo` serves Panjin and Shijiazhuang with
// in-process simulators and prints a login for every role. This run measures the cold load to the login form
// (navigation start → form shown, empty cache; reported, not asserted), then, at each deployment, signs in with
// every login the demo printed for the browser and walks that role's menu — every page it offers — opening on
// each page every dropdown and the first date picker, with a screenshot of each page, the no-Latin-text check on
// every page and every dropdown, and axe-core (cluster.mjs). The portal's login is a client credential
// (clientLogin), not a browser sign-in.
import assert from 'node:assert/strict';
import { demoPass, run } from './cluster.mjs';

// Latin words allowed on screen besides file formats: the demo's user names (data in the users' lists).
const usernames = ['admin', 'clerk', 'officer', 'approver', 'archivist', 'analyst', 'portal'];

await run('demo', usernames, async ({ pj, sjz, context, shot, track, demo }) => {
  console.log(`demo: logins printed: ${demo.logins.map((l) => `${l.username} (${l.roles.join(',')}, ${l.via})`).join('; ')}`);

  // (1) Cold load to the login form: a fresh profile, the browser cache cleared, timed from navigation start.
  const cold = await context.newPage();
  track(cold, 'cold');
  const cdp = await context.newCDPSession(cold);
  await cdp.send('Network.enable');
  await cdp.send('Network.clearBrowserCache');
  await cold.addInitScript(() => {
    new MutationObserver((_, o) => {
      const input = document.querySelector('input[autocomplete="username"]');
      if (input && input.getBoundingClientRect().height > 0) {
        window.hukouFormShownAt = performance.now();
        o.disconnect();
      }
    }).observe(document, { subtree: true, childList: true, attributes: true });
  });
  await cold.goto(`${pj}/login`);
  await cold.getByLabel('用户名').waitFor();
  const load = await cold.evaluate(() => {
    const nav = performance.getEntriesByType('navigation')[0];
    const res = performance.getEntriesByType('resource');
    const js = res.filter((r) => r.name.endsWith('.js'));
    return {
      formShown: window.hukouFormShownAt,
      firstByte: nav.responseStart,
      domContentLoaded: nav.domContentLoadedEventEnd,
      scripts: js.length,
      scriptBytes: js.reduce((s, r) => s + r.transferSize, 0),
      bytes: res.reduce((s, r) => s + r.transferSize, nav.transferSize),
      cached: res.filter((r) => r.transferSize === 0 && r.decodedBodySize > 0).length,
    };
  });
  assert.equal(load.cached, 0, 'the cold load came from the cache');
  console.log(
    `demo: COLD LOAD to the login form: ${load.formShown.toFixed(0)} ms from navigation start (first byte ${load.firstByte.toFixed(0)} ms, ` +
      `DOMContentLoaded ${load.domContentLoaded.toFixed(0)} ms; ${load.scripts} scripts, ${(load.scriptBytes / 1024).toFixed(1)} kB of script ` +
      `and ${(load.bytes / 1024).toFixed(1)} kB in all over the wire, compressed; loopback, no throttling)`,
  );
  await shot(cold, 'login-cold');
  await cold.close();

  const openDropdown = (page) => page.locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden)');
  const openPicker = (page) => page.locator('.ant-picker-dropdown:not(.ant-picker-dropdown-hidden)');
  /** noLatin fails on Latin words in a dropdown's text (the rule of cluster.mjs's screenshots). */
  function noLatin(text, where) {
    const words = [...new Set(text.match(/\b[A-Za-z_]{4,}\b/g) ?? [])].filter((w) => !usernames.includes(w));
    assert.deepEqual(words, [], `${where}: English on screen: ${words.join(' ')}`);
  }
  /** controls opens every dropdown on the page (a screenshot of the first) and the first date picker. */
  async function controls(page, what) {
    const selects = page.locator('.ant-layout-content .ant-select:not(.ant-select-disabled) .ant-select-selector');
    const n = Math.min(await selects.count(), 8);
    for (let i = 0; i < n; i++) {
      const s = selects.nth(i);
      if (!(await s.isVisible())) continue;
      await s.click();
      const dd = openDropdown(page).last();
      await dd.waitFor();
      await page.waitForTimeout(200);
      // The options as shown (rc-select's hidden listbox for screen readers holds the values, named by aria-label).
      noLatin((await dd.locator('.ant-select-item, .ant-empty, .ant-select-tree-title').allInnerTexts()).join(' '), `${what}: dropdown ${i + 1}`);
      if (i === 0) await shot(page, `${what}-dropdown`);
      await page.keyboard.press('Escape');
      await dd.waitFor({ state: 'hidden' }).catch(() => {});
    }
    const picker = page.locator('.ant-layout-content .ant-picker:not(.ant-picker-disabled)').first();
    if ((await picker.count()) && (await picker.isVisible())) {
      await picker.click();
      await openPicker(page).last().waitFor();
      await shot(page, `${what}-date-picker`);
      await page.keyboard.press('Escape');
      await page.mouse.click(5, 760); // away from the picker: it closes
    }
  }

  /** caseListTools uses the case list's tools (#19 item 4): the total on demand, the column settings (kept on the server), the export. */
  async function caseListTools(page, what) {
    await page.getByRole('button', { name: '统计总数' }).click();
    await page.getByTestId('case-total').getByText(/^共 \d+ 条$/).waitFor();
    await page.getByRole('button', { name: /列设置/ }).click();
    const panel = page.getByTestId('case-column-settings');
    await panel.waitFor();
    await panel.getByRole('checkbox', { name: '对方单位' }).uncheck();
    await shot(page, `${what}-columns`);
    assert.equal(await page.getByRole('columnheader', { name: '对方单位' }).count(), 0, `${what}: the hidden column shows`);
    await panel.getByRole('button', { name: '恢复默认' }).click();
    await page.getByRole('columnheader', { name: '对方单位' }).waitFor();
    await page.getByRole('button', { name: /列设置/ }).click(); // closes the settings
    await panel.waitFor({ state: 'hidden' });
    // Every role that reads the case list exports it, with any search (no kind needed).
    const csv = page.getByRole('button', { name: /导出 CSV/ });
    assert.equal(await csv.count(), 1, `${what}: the case list's export is not offered`);
    assert.ok(!(await csv.isDisabled()), `${what}: the case list's export is disabled`);
  }

  // (2) Every role the demo printed, at each deployment: sign in, each page of its menu, its controls.
  const browserLogins = demo.logins.filter((l) => l.via === 'login');
  assert.ok(browserLogins.length >= 6, `the demo printed ${browserLogins.length} browser logins`);
  for (const [city, base] of [['pj', pj], ['sjz', sjz]]) {
    for (const { username } of browserLogins) {
      const page = await context.newPage();
      const who = `${city}-${username}`;
      track(page, who);
      await page.goto(`${base}/login`);
      await page.getByLabel('用户名').fill(username);
      await page.getByLabel('密码').fill(demoPass);
      await page.getByRole('button', { name: /登\s*录/ }).click();
      await page.getByRole('button', { name: /退出登录/ }).waitFor();
      await page.locator('.ant-layout-content h2, .ant-layout-content h3').first().waitFor();
      await shot(page, `${who}-home`);
      const items = (await page.getByRole('menuitem').allInnerTexts()).map((s) => s.trim()).filter(Boolean);
      assert.ok(items.length > 0, `${who}: no menu`);
      console.log(`demo: ${who}: ${items.join(' / ')}`);
      for (const [i, item] of items.entries()) {
        await page.getByRole('menuitem').filter({ hasText: new RegExp(`^${item}$`) }).click();
        await page.locator('.ant-layout-content h2, .ant-layout-content h3, .ant-layout-content .ant-card').first().waitFor();
        await page.locator('.ant-spin-spinning').first().waitFor({ state: 'detached', timeout: 15_000 }).catch(() => {});
        if (item === '审计日志') {
          // The unfiltered log shows operations without a Chinese name and details as recorded (API names, JSON;
          // see roles.e2e.mjs): the sign-ins are shown instead.
          await page.getByLabel('操作', { exact: true }).fill('login');
          await page.getByRole('button', { name: /查\s*询/ }).first().click();
          await page.waitForTimeout(500);
        }
        await shot(page, `${who}-${i + 1}`);
        await controls(page, `${who}-${i + 1}`);
        if (item === '案件列表') await caseListTools(page, `${who}-${i + 1}`);
      }
      await page.getByRole('button', { name: /退出登录/ }).click();
      await page.getByLabel('用户名').waitFor();
      await page.close();
    }
  }
}, { demo: true });
