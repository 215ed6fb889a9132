// Drives Debian's Chromium (never a downloaded one) through the clerk's birth
// intake against a running server and saves 1366×768 screenshots into
// .screenshots/ (git-ignored). Usage: BASE=http://127.0.0.1:8080 npm run screenshots
import { mkdirSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const base = process.env.BASE ?? 'http://127.0.0.1:8080';
const out = new URL('../.screenshots/', import.meta.url).pathname;
const cert = process.env.CERT ?? 'M130000001';
mkdirSync(out, { recursive: true });

const context = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'hukou-chromium-')), {
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  headless: true,
  args: [
    '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync',
  ],
  viewport: { width: 1366, height: 768 },
  locale: 'zh-CN',
});
const page = context.pages()[0] ?? (await context.newPage());
const englishLeaks = [];
page.on('console', (m) => {
  if (m.type() === 'error') console.log('console error:', m.text());
});
const shot = async (name, fullPage = false) => {
  await page.waitForTimeout(400);
  await page.screenshot({ path: join(out, name), fullPage });
  const text = await page.evaluate(() => document.body.innerText);
  const words = text.match(/\b[A-Za-z]{4,}\b/g) ?? [];
  if (words.length) englishLeaks.push(`${name}: ${[...new Set(words)].join(' ')}`);
  console.log('saved', name);
};
const pick = async (label, text) => {
  await page.getByLabel(label, { exact: true }).click();
  await page.keyboard.type(text);
  await page.waitForTimeout(300);
  await page.keyboard.press('Enter');
};

await page.goto(`${base}/login`);
await page.getByLabel('用户名').waitFor();
await shot('01-login.png');
await page.getByLabel('用户名').fill('clerk');
await page.getByLabel('密码').fill('wrong-password');
await page.getByRole('button', { name: '登录' }).click();
await page.getByText('用户名或密码错误').waitFor();
await shot('02-login-wrong-password.png');
await page.getByLabel('密码').fill('hukou-demo-2026');
await page.getByRole('button', { name: '登录' }).click();
await page.getByText('受理地待办').waitFor();
await shot('03-workbench.png');

await page.getByRole('menuitem', { name: '新生儿出生登记' }).click();
await page.getByLabel('出生医学证明编号').waitFor();
await page.getByLabel('出生医学证明编号').fill('M139999999');
await page.getByLabel('新生儿姓名').fill('王小宝');
await pick('民族', '汉');
await pick('与户主关系', '子');
await page.getByText('随父落户').click();
await page.getByLabel('申报人姓名').fill('王建国');
await page.getByLabel('申报人公民身份号码').fill('110105194912310021');
await page.getByLabel('联系电话').fill('13800000000');
await page.getByRole('button', { name: /保存并受理/ }).click();
await page.getByText('校验码错误，请核对号码是否录入有误').waitFor();
await shot('04-intake-client-id-check.png');
await page.getByLabel('申报人公民身份号码').fill('11010519491231002X');
await page.getByRole('button', { name: /保存并受理/ }).click();
await page.locator('.ant-form-item-explain-error').first().waitFor();
await shot('05-intake-server-field-error.png');

await page.getByLabel('出生医学证明编号').fill(cert);
await page.getByRole('button', { name: /保存并受理/ }).click();
await page.waitForURL(/\/cases\/.+/);
await page.getByText('办理过程').waitFor();
await shot('06-case-detail.png');
await shot('07-case-detail-full.png', true);

await page.getByTestId('case-actions').getByRole('button', { name: '提交' }).click();
await page.locator('.ant-modal-confirm-title', { hasText: '确认提交' }).waitFor();
await shot('08-submit-confirm.png');
await page.locator('.ant-modal-confirm-btns').getByRole('button', { name: '提交' }).click();
await page.getByText('提交成功').waitFor();
await shot('09-case-submitted.png');

await page.getByRole('menuitem', { name: '案件列表' }).click();
await page.locator('.ant-table-row').first().waitFor();
await shot('10-case-list.png');
await page.getByRole('menuitem', { name: '工作台' }).click();
await page.getByText('受理地待办').waitFor();
await page.waitForTimeout(2500);
await shot('11-workbench-after.png');

if (englishLeaks.length) console.log('Latin words on screen:\n' + englishLeaks.join('\n'));
await context.close();
