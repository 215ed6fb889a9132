// End-to-end: one off-site ID card renewal (居民身份证异地办理, issue 14) across
// two real hukou instances, in the browser: the Panjin clerk looks the
// applicant up at the Ministry, takes the photo from Chromium's fake camera
// (a video file of a face on a light background) and two fingers from the
// simulated device, confirms and submits → a Shijiazhuang city approver
// reviews and signs the issue → the Panjin clerk writes it back, packages it
// for the production centre, saves the production feedback and hands the
// card over after verifying a finger on the device and taking a photo → the
// collection record reaches Shijiazhuang on the forwarding schedule, and the
// approver closes its copy.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { demoPass, gql, login, run, signIn, until } from './cluster.mjs';

const SPOUSE = '130602198706200268';

/**
 * faceVideo writes a Y4M video for Chromium's fake camera: a light plain background, a textured face and dark
 * shoulders, so the photo the SPA crops from it meets the GA 461 rules.
 */
function faceVideo() {
  const w = 640;
  const h = 480;
  const frame = Buffer.alloc(w * h * 1.5);
  let seed = 7;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  const u0 = w * h;
  const v0 = u0 + (w / 2) * (h / 2);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const dx = (x - w / 2) / 95;
      const dy = (y - h * 0.42) / 130;
      let Y = 240;
      let U = 128;
      let V = 128;
      if (dx * dx + dy * dy <= 1) {
        Y = 185 + Math.round(rnd() * 40 - 20);
        U = 105;
        V = 150;
      } else if (y > h * 0.72 && Math.abs(x - w / 2) < (y - h * 0.6) * 1.5) {
        Y = 45 + Math.round(rnd() * 16 - 8);
        U = 140;
        V = 120;
      }
      frame[y * w + x] = Y;
      if (x % 2 === 0 && y % 2 === 0) {
        frame[u0 + (y / 2) * (w / 2) + x / 2] = U;
        frame[v0 + (y / 2) * (w / 2) + x / 2] = V;
      }
    }
  }
  const parts = [Buffer.from(`YUV4MPEG2 W${w} H${h} F10:1 Ip A1:1 C420jpeg\n`)];
  for (let i = 0; i < 10; i++) parts.push(Buffer.from('FRAME\n'), frame);
  const file = join(mkdtempSync(join(tmpdir(), 'hukou-camera-')), 'face.y4m');
  writeFileSync(file, Buffer.concat(parts));
  return file;
}

const video = faceVideo();

await run(
  'idcard',
  ['clerk', 'city', 'approver'],
  async ({ pj, sjz, context, shot, track }) => {
    const actions = (page) => page.getByTestId('case-actions');
    const done = (page, label) => page.getByText(`${label}成功`).last().waitFor();
    const modal = (page) => page.locator('.ant-modal-content').last();
    let png;
    async function capture(page, code) {
      const material = page.getByTestId(`material-${code}`);
      const name = (await material.locator('strong').first().innerText()).trim();
      await material.getByRole('button', { name: /采集/ }).click();
      await page.getByTestId('archive-file').setInputFiles({ name: `${name}.png`, mimeType: 'image/png', buffer: png });
      await page.getByTestId('archive-preview').waitFor();
      await page.locator('.ant-modal-footer').getByRole('button', { name: '上传' }).click();
      await material.getByTestId('archive-thumb').first().waitFor();
      await page.locator('.ant-modal-wrap').filter({ has: page.getByTestId('archive-preview') }).waitFor({ state: 'detached' });
    }

    // (a) Panjin: the look-ups, the photo from the camera, two fingers, the confirmation.
    const clerk = await context.newPage();
    track(clerk, 'panjin');
    await signIn(clerk, pj, 'clerk', demoPass);
    png = Buffer.from(
      await clerk.evaluate(() => {
        const c = document.createElement('canvas');
        c.width = 600;
        c.height = 400;
        const g = c.getContext('2d');
        g.fillStyle = '#eef4ff';
        g.fillRect(0, 0, 600, 400);
        g.fillStyle = '#333';
        for (let i = 0; i < 6; i++) g.fillRect(60, 60 + i * 50, 420 - (i % 3) * 70, 12);
        return c.toDataURL('image/png').split(',')[1];
      }),
      'base64',
    );
    await clerk.getByRole('menuitem', { name: '居民身份证异地办理' }).click();
    await clerk.getByLabel('公民身份号码').fill(SPOUSE);
    await clerk.getByLabel('申领原因').click();
    await clerk.locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option[title="登记项目变更换领"]').click();
    await clerk.getByRole('button', { name: /核\s*查/ }).click();
    await clerk.getByText('核查通过，可以受理').waitFor();
    await clerk.getByTestId('idcard-lookup').getByText('李秀英').first().waitFor();
    await shot(clerk, 'panjin-lookup');
    await clerk.getByRole('button', { name: '下一步' }).click();
    await clerk.getByLabel('联系电话').fill('13912345678');
    await clerk.getByRole('button', { name: '下一步' }).click();
    await clerk.getByRole('button', { name: '打开摄像头' }).click();
    await clerk.getByTestId('photo-video').waitFor();
    await clerk.waitForFunction(() => {
      const v = document.querySelector('[data-testid="photo-video"]');
      return v instanceof HTMLVideoElement && v.videoWidth > 0;
    });
    await clerk.getByRole('button', { name: /拍\s*照/ }).click();
    await clerk.getByTestId('photo-result').getByText('相片符合标准').waitFor();
    for (const n of [1, 2]) {
      await clerk.getByTestId(`finger-${n}`).getByRole('button', { name: /采\s*集/ }).click();
      await clerk.getByTestId(`finger-${n}-result`).waitFor();
    }
    await shot(clerk, 'panjin-captured');
    await clerk.getByRole('button', { name: '下一步' }).click();
    await clerk.getByTestId('idcard-summary').waitFor();
    await shot(clerk, 'panjin-confirm');
    await clerk.getByRole('button', { name: '保存申请' }).click();
    await clerk.waitForURL(/\/cases\/.+/);
    await clerk.getByText('办理过程').waitFor();
    const caseUrl = clerk.url();
    const collabNo = (await clerk.locator('.hukou-mono').first().innerText()).trim();
    await capture(clerk, 'PHOTO_RECEIPT');
    await capture(clerk, 'OLD_ID_CARD'); // a renewal's list asks for the old card (1.4.5)
    await clerk.evaluate(() => window.scrollTo(0, 0));
    await actions(clerk).getByRole('button', { name: '确认并提交' }).click();
    await modal(clerk).getByTestId('idcard-summary').waitFor();
    await shot(clerk, 'panjin-submit-confirmation');
    await modal(clerk).getByTestId('idcard-confirmed').click();
    await clerk.locator('.ant-modal-footer').getByRole('button', { name: '确认并提交' }).click();
    await done(clerk, '确认并提交');

    // (b) Shijiazhuang: a city-level approver reviews and signs the issue.
    const admin = await login(sjz, 'admin', demoPass);
    await gql(sjz, admin, `mutation { createUser(input: {username: "city-approver", displayName: "市局审核民警",
      password: "approver-pass-1", officeCode: "130100000000", roles: [APPROVER]}) { id } }`);
    const approver = await context.newPage();
    track(approver, 'shijiazhuang');
    await signIn(approver, sjz, 'city-approver', 'approver-pass-1');
    const row = approver.locator('.ant-table-row', { hasText: collabNo });
    for (let i = 0; !(await row.count()); i++) {
      assert.ok(i < 60, 'the application never reached Shijiazhuang');
      await approver.goto(`${sjz}/cases?collabNo=${collabNo}`);
      await approver.waitForTimeout(500);
    }
    await row.getByRole('button', { name: '查看' }).click();
    await approver.getByText('办理过程').waitFor();
    await shot(approver, 'sjz-received');
    await actions(approver).getByRole('button', { name: '审核通过并签发' }).click();
    await modal(approver).getByTestId('validity-preview').getByText(/有效期 20 年/).waitFor();
    await shot(approver, 'sjz-approve');
    await approver.locator('.ant-modal-footer').getByRole('button', { name: '审核通过并签发' }).click();
    await done(approver, '审核通过并签发');

    // (c) Panjin: write-back, the package, the production feedback, the handover.
    await clerk.bringToFront();
    await clerk.goto(caseUrl);
    await until(clerk, actions(clerk).getByRole('button', { name: '回写签发信息' }), 'the approval at Panjin');
    await clerk.getByTestId('idcard-issue').getByText('石家庄市公安局长安分局').waitFor();
    await actions(clerk).getByRole('button', { name: '回写签发信息' }).click();
    await clerk.locator('.ant-modal-confirm-btns').getByRole('button', { name: '回写签发信息' }).click();
    await done(clerk, '回写签发信息');
    await actions(clerk).getByRole('button', { name: '打包上传制证中心' }).click();
    await clerk.locator('.ant-modal-confirm-btns').getByRole('button', { name: '打包上传制证中心' }).click();
    await done(clerk, '打包上传制证中心');
    await until(clerk, actions(clerk).getByRole('button', { name: '保存制证回馈' }), 'the production feedback');
    await actions(clerk).getByRole('button', { name: '保存制证回馈' }).click();
    await modal(clerk).getByTestId('production-body').waitFor();
    await shot(clerk, 'panjin-production-feedback');
    await clerk.locator('.ant-modal-footer').getByRole('button', { name: '保存制证回馈' }).click();
    await done(clerk, '保存制证回馈');
    await actions(clerk).getByRole('button', { name: '领证登记' }).click();
    const handover = modal(clerk);
    await handover.getByTestId('live-finger').getByRole('button', { name: /采\s*集/ }).click();
    await handover.getByText(/已采集/).waitFor();
    await handover.getByRole('button', { name: '打开摄像头' }).click();
    await clerk.waitForFunction(() => [...document.querySelectorAll('video')].some((v) => v.videoWidth > 0));
    await handover.getByRole('button', { name: /拍\s*照/ }).click();
    await handover.getByTestId('snapshot-capture').locator('img').waitFor();
    await shot(clerk, 'panjin-handover');
    await clerk.locator('.ant-modal-footer').getByRole('button', { name: '领证登记' }).click();
    await done(clerk, '领证登记');
    await clerk.getByTestId('idcard-collection').getByText(/指纹比对通过/).waitFor();
    await clerk.getByTestId('idcard-forwards').scrollIntoViewIfNeeded();
    await shot(clerk, 'panjin-collected');

    // (d) Shijiazhuang: the forwarded records arrived; the approver closes.
    await approver.bringToFront();
    await approver.reload();
    await until(approver, actions(approver).getByRole('button', { name: '结案' }), 'the collection record at Shijiazhuang');
    await approver.getByTestId('idcard-licence').waitFor();
    await actions(approver).getByRole('button', { name: '结案' }).click();
    await approver.locator('.ant-modal-confirm-btns').getByRole('button', { name: '结案' }).click();
    await done(approver, '结案');
    await shot(approver, 'sjz-closed');
  },
  {
    chromiumArgs: [`--use-file-for-fake-video-capture=${video}`], // the harness turns the fake camera on; this is its picture
    permissions: ['camera'],
  },
);
