// End-to-end: the Internet+ screens (issue 18 item 5) in the browser at Panjin.
// The administrator opens the integrator clients (接入平台管理) and the webhook
// deliveries (推送记录, each status, dead letters empty on a fresh deployment);
// a clerk opens the portal messages (平台消息指令, also overdue only, empty)
// and the found ID cards (身份证招领): empty, then a card recorded and
// listed. Every screen passes the harness's checks (no Latin UI text, no
// clipping at 1366 px, no axe violation of any impact).
import { demoPass, run } from './cluster.mjs';

await run('online', ['admin', 'clerk'], async ({ pj, context, shot, track }) => {
  const modal = (page) => page.locator('.ant-modal-wrap:not([style*="display: none"]) .ant-modal').last();
  async function signInAs(page, user) {
    await page.goto(`${pj}/login`);
    await page.getByLabel('用户名').fill(user);
    await page.getByLabel('密码').fill(demoPass);
    await page.getByRole('button', { name: '登录' }).click();
    await page.getByRole('button', { name: /退出登录/ }).waitFor();
  }

  // (1) The administrator: integrator clients and webhook deliveries.
  const admin = await context.newPage();
  track(admin, 'admin');
  await signInAs(admin, 'admin');
  await admin.getByRole('menuitem', { name: '接入平台管理' }).click();
  await admin.locator('.ant-card-head-title', { hasText: '接入平台管理' }).waitFor();
  await admin.locator('.ant-table').waitFor();
  await shot(admin, 'integrator-clients');
  await admin.getByRole('button', { name: '登记接入平台' }).click();
  await modal(admin).getByLabel('平台标识').waitFor();
  await shot(admin, 'integrator-client-create');
  await modal(admin).getByRole('button', { name: /取\s*消/ }).click();

  await admin.getByRole('menuitem', { name: '推送记录' }).click();
  await admin.getByText('暂无推送记录').waitFor();
  await shot(admin, 'webhook-dead-empty');
  await admin.locator('.ant-segmented').getByText('全部').click();
  await admin.locator('.ant-table').waitFor();
  await shot(admin, 'webhook-all');

  // (2) A clerk: portal messages and found ID cards (the administrator signs out first: one browser session).
  await admin.getByRole('button', { name: /退出登录/ }).click();
  await admin.getByRole('button', { name: '登录' }).waitFor();
  const clerk = admin;
  await signInAs(clerk, 'clerk');
  await clerk.getByRole('menuitem', { name: '平台消息指令' }).click();
  await clerk.getByText('暂无平台消息').waitFor();
  await shot(clerk, 'portal-messages-empty');
  await clerk.getByRole('switch', { name: '只看超期' }).click();
  await clerk.getByText('暂无平台消息').waitFor();
  await shot(clerk, 'portal-messages-overdue-empty');

  await clerk.getByRole('menuitem', { name: '身份证招领' }).click();
  await clerk.getByText('暂无拾获证件').waitFor();
  await shot(clerk, 'found-cards-empty');
  await clerk.getByRole('button', { name: '登记拾获证件' }).click();
  const m = modal(clerk);
  await m.getByLabel('证件号码').fill('130602198706200268');
  await m.getByLabel('证件姓名').fill('李秀英');
  const yesterday = new Date(Date.now() - 86_400_000);
  const pad = (n) => String(n).padStart(2, '0');
  await m.getByLabel('拾获时间').fill(`${yesterday.getFullYear()}-${pad(yesterday.getMonth() + 1)}-${pad(yesterday.getDate())} 09:30:00`);
  await m.getByLabel('拾获时间').press('Enter');
  await m.getByLabel('拾获地点').fill('兴隆台区公交站');
  await m.getByLabel('拾获人', { exact: true }).fill('王师傅');
  await shot(clerk, 'found-card-record');
  await m.getByRole('button', { name: /确\s*定/ }).click();
  await clerk.getByText('保管中').waitFor();
  await shot(clerk, 'found-cards-held');
});
