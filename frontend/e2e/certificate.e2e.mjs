// End-to-end: one household matter certificate (户籍事项证明, issue 13) across
// two real hukou instances, in the browser: the Panjin clerk records a kinship
// matter, captures the required materials and submits → the Shijiazhuang city
// officer captures the verification materials (1.4.4) and answers 属实 (a TRUE
// verdict without them is refused first) → the Panjin clerk prints the
// certificate (2.2.8) → anyone checks it on the public verification page
// without logging in.
import assert from 'node:assert/strict';
import { demoPass, gql, login, run, signIn, until } from './cluster.mjs';

await run('certificate', ['clerk', 'city', 'officer'], async ({ pj, sjz, context, shot, track }) => {
  const actions = (page) => page.getByTestId('case-actions');
  const done = (page, label) => page.getByText(`${label}成功`).last().waitFor();
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

  // (a) Panjin: the clerk records a kinship certificate and submits it.
  const clerk = await context.newPage();
  track(clerk, 'panjin');
  await signIn(clerk, pj, 'clerk', demoPass);
  png = Buffer.from(
    await clerk.evaluate(() => {
      const c = document.createElement('canvas');
      c.width = 800;
      c.height = 560;
      const g = c.getContext('2d');
      g.fillStyle = '#f5efe0';
      g.fillRect(0, 0, 800, 560);
      g.fillStyle = '#333';
      for (let i = 0; i < 8; i++) g.fillRect(80, 80 + i * 50, 600 - (i % 3) * 90, 12);
      return c.toDataURL('image/png').split(',')[1];
    }),
    'base64',
  );
  await clerk.getByRole('menuitem', { name: '户籍事项证明' }).click();
  await clerk.locator('.ant-form-item', { hasText: '证明事项' }).locator('.ant-select').click();
  await clerk.locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option[title="亲属关系证明"]').click();
  await clerk.getByLabel('姓名1').fill('李秀英');
  await clerk.getByLabel('公民身份号码1').fill('130602198706200268');
  await clerk.getByRole('button', { name: '添加当事人' }).click();
  await clerk.getByLabel('姓名2').fill('张子轩');
  await clerk.getByLabel('公民身份号码2').fill('130602201509010355');
  await clerk.getByLabel('当事人之间的关系').fill('母子');
  await clerk.getByLabel('申请证明的内容').fill('证明李秀英与张子轩系母子关系');
  await clerk.getByLabel('证明用途').fill('办理入学');
  await clerk.getByLabel('申请人姓名').fill('李秀英');
  await clerk.getByLabel('申请人公民身份号码').fill('130602198706200268');
  await shot(clerk, 'panjin-intake');
  await clerk.getByRole('button', { name: '保存' }).click();
  await clerk.waitForURL(/\/cases\/.+/);
  await clerk.getByText('办理过程').waitFor();
  const caseUrl = clerk.url();
  const collabNo = (await clerk.locator('.hukou-mono').first().innerText()).trim();
  await clerk.getByTestId('matter-certificate-detail').getByText('亲属关系证明').waitFor();
  for (const code of ['ID_CARD', 'MATTER_EVIDENCE']) await capture(clerk, code);
  await shot(clerk, 'panjin-captured');
  await clerk.evaluate(() => window.scrollTo(0, 0));
  await actions(clerk).getByRole('button', { name: '提交户籍地核实' }).click();
  await clerk.locator('.ant-modal-confirm-btns').getByRole('button', { name: '提交户籍地核实' }).click();
  await done(clerk, '提交户籍地核实');
  await shot(clerk, 'panjin-submitted');

  // (b) Shijiazhuang: a city-level officer verifies it.
  const admin = await login(sjz, 'admin', demoPass);
  await gql(sjz, admin, `mutation { createUser(input: {username: "city-officer", displayName: "市局户籍民警",
    password: "officer-pass-1", officeCode: "130100000000", roles: [OFFICER]}) { id } }`);
  const officer = await context.newPage();
  track(officer, 'shijiazhuang');
  await signIn(officer, sjz, 'city-officer', 'officer-pass-1');
  const row = officer.locator('.ant-table-row', { hasText: collabNo });
  for (let i = 0; !(await row.count()); i++) {
    assert.ok(i < 60, 'the application never reached Shijiazhuang');
    await officer.goto(`${sjz}/cases?collabNo=${collabNo}`);
    await officer.waitForTimeout(500);
  }
  await row.getByRole('button', { name: '查看' }).click();
  await officer.getByText('办理过程').waitFor();
  await shot(officer, 'sjz-received');
  // 属实 without verification materials is refused with the reason.
  await actions(officer).getByRole('button', { name: '核实属实' }).click();
  await officer.locator('.ant-modal-content').getByLabel('核实情况').fill('经查户籍档案，李秀英与张子轩系母子关系');
  await officer.locator('.ant-modal-footer').getByRole('button', { name: '核实属实' }).click();
  await officer.getByText('核实属实须先采集核查材料').first().waitFor();
  await shot(officer, 'sjz-true-without-materials');
  await officer.locator('.ant-modal-footer').getByRole('button', { name: '取消' }).click();
  await capture(officer, 'VERIFICATION_RECORD');
  await officer.evaluate(() => window.scrollTo(0, 0));
  await actions(officer).getByRole('button', { name: '核实属实' }).click();
  await officer.locator('.ant-modal-content').getByLabel('核实情况').fill('经查户籍档案，李秀英与张子轩系母子关系');
  await shot(officer, 'sjz-verdict');
  await officer.locator('.ant-modal-footer').getByRole('button', { name: '核实属实' }).click();
  await done(officer, '核实属实');
  await shot(officer, 'sjz-answered');

  // (c) Panjin: the verdict arrived with the materials; the clerk prints the certificate.
  await clerk.bringToFront();
  await clerk.goto(caseUrl);
  await until(clerk, actions(clerk).getByRole('button', { name: '打印证明' }), 'the verdict at Panjin');
  await clerk.getByTestId('certificate-decision').getByText('属实').waitFor();
  const popup = context.waitForEvent('page');
  await actions(clerk).getByRole('button', { name: '打印证明' }).click();
  await clerk.locator('.ant-modal-confirm-btns').getByRole('button', { name: '打印证明' }).click();
  await done(clerk, '打印证明');
  // The rendered certificate opens for printing: a PDF from /files/ (fetched again here, the viewer hides its headers).
  const printed = await popup;
  await printed.waitForURL(/\/files\//);
  const pdf = await fetch(printed.url());
  assert.equal(pdf.status, 200);
  assert.equal(Buffer.from(await pdf.arrayBuffer()).subarray(0, 4).toString(), '%PDF');
  await printed.close();
  const issued = clerk.getByTestId('issued-certificate');
  await issued.waitFor();
  const cell = (label) => issued.locator('th', { hasText: new RegExp(`^${label}$`) }).locator('xpath=following-sibling::td[1]');
  const number = (await cell('证明编号').innerText()).trim();
  const code = (await cell('验证码').innerText()).trim();
  assert.match(number, /^ZM\d{22}$/);
  await issued.scrollIntoViewIfNeeded();
  await shot(clerk, 'panjin-printed');

  // (d) Anyone: the public verification page, without logging in.
  // Another origin (localhost): no session of the clerk's is there.
  const holder = await context.newPage();
  track(holder, 'public');
  await holder.goto(`${pj.replace('127.0.0.1', 'localhost')}/verify`);
  await holder.getByLabel('证明编号').fill(number);
  await holder.getByLabel('验证码').fill(code);
  await holder.getByRole('button', { name: /查\s*验/ }).click();
  await holder.getByTestId('verify-answer').getByText('证明有效').waitFor();
  await shot(holder, 'public-valid');
  await holder.getByLabel('验证码').fill('AAAAAAAAAA');
  await holder.getByRole('button', { name: /查\s*验/ }).click();
  await holder.getByText('未查到与该编号和验证码相符的证明').waitFor();
  await shot(holder, 'public-unknown');
});
