// End-to-end: a cross-province hukou migration (户口迁移, issue 12) across two
// real hukou instances and the simulators, driven in Debian's Chromium.
//   Panjin (211100) clerk: the Ministry's household of a Shijiazhuang head of
//   household → 工作调动, the head alone moving to a new household in Panjin
//   (an address in a village refused by Panjin's settlement policy first) →
//   materials captured (the category's transfer order among them) → submit →
//   Shijiazhuang (130100) city officer: the move-out screen (the head leaves:
//   a new head among those who stay, the others re-coded) → 准予迁出 with the
//   e-migration certificate → Panjin: the move-out feedback arrives, 获取跨省数据
//   fills the mover, the new household is established → both copies close,
//   Panjin holding the 准予迁入证明 and the mover's 常住人口登记表.
// Expects ../bin/hukou and dist/ to be built. Screenshots (1366×768) go to
// .screenshots/e2e-migration-*.png (git-ignored).
import assert from 'node:assert/strict';
import { demoPass, gql, login, run, signIn, until } from './cluster.mjs';

// Latin words allowed on screen besides file formats: the user names (IDs) of this run.
await run('e2e-migration', ['clerk', 'city', 'officer', 'approver'], async ({ pj, sjz, context, shot, track }) => {
  const pick = async (page, label, text) => {
    await formItem(page, label).locator('.ant-select-selector').click(); // also when a value is shown over the input
    await page.keyboard.type(text);
    await page.waitForTimeout(300);
    await page.keyboard.press('Enter');
  };
  const actions = (page) => page.getByTestId('case-actions');
  /** formItem is the antd form item labelled label inside scope, a page or a locator (antd titles its label with the text). */
  const formItem = (scope, label) => {
    const page = typeof scope.page === 'function' ? scope.page() : scope;
    return scope.locator('.ant-form-item').filter({ has: page.locator(`label[title="${label}"]`) });
  };
  /** fieldError waits for text among the errors shown under the field labelled label, and returns them. */
  async function fieldError(scope, label, text) {
    const errors = formItem(scope, label).locator('.ant-form-item-explain-error');
    await errors.filter({ hasText: text }).first().waitFor();
    return (await errors.allInnerTexts()).join(' ');
  }

  // The people: a Shijiazhuang head of a household of several (read from the register as its admin).
  const sjzAdmin = await login(sjz, 'admin', demoPass);
  const { residents } = await gql(sjz, sjzAdmin, `{ residents(first: 60) { edges { node { idNumber name status relation { code }
    household { number members { idNumber name status relation { code } } } } } } }`);
  const headRow = residents.edges
    .map((e) => e.node)
    .find(
      (r) =>
        r.status === 'ACTIVE' &&
        r.relation.code === '02' &&
        Number(r.idNumber.slice(6, 10)) < 2000 &&
        r.household.members.filter((m) => m.status === 'ACTIVE').length >= 3,
    );
  assert.ok(headRow, 'a Shijiazhuang head of a household of three or more');
  const stayers = headRow.household.members.filter((m) => m.status === 'ACTIVE' && m.idNumber !== headRow.idNumber);

  // (a) Panjin: the clerk's intake.
  const clerk = await context.newPage();
  track(clerk, 'panjin');
  await signIn(clerk, pj, 'clerk', demoPass);
  await clerk.getByRole('menuitem', { name: '户口迁移' }).click();
  await clerk.getByLabel('申请人公民身份号码').fill(headRow.idNumber);
  await clerk.getByRole('button', { name: /查\s*询/ }).click();
  await clerk.getByTestId('migration-household').getByText(headRow.name).first().waitFor();
  await shot(clerk, 'panjin-household');
  await clerk.getByRole('button', { name: /下一步/ }).click();
  await pick(clerk, '迁移类别', '工作调动');
  await clerk.getByTestId('category-materials').getByText('工作调动证明').waitFor();
  await clerk.getByText('新立户').click();
  // A village address: Panjin's settlement policy takes 工作调动 into urban addresses only.
  await clerk.getByLabel('新立户详细地址').fill('大洼区东风镇西村3组12号');
  await clerk.getByRole('button', { name: /核\s*验/ }).click();
  await fieldError(clerk, '迁移类别', '迁入地落户政策不接受');
  await shot(clerk, 'panjin-policy-refused');
  await clerk.getByLabel('新立户详细地址').fill('兴隆台区振兴街道人才公寓5号楼301');
  await clerk.getByLabel('联系电话').fill('13912345678');
  await clerk.getByRole('button', { name: /核\s*验/ }).click();
  await clerk.getByText('核验全部通过').waitFor();
  await shot(clerk, 'panjin-checked');
  await clerk.getByRole('button', { name: /保存并受理/ }).click();
  await clerk.waitForURL(/\/cases\/.+/);
  await clerk.getByText('办理过程').waitFor();
  const clerkCaseUrl = clerk.url();
  const collabNo = (await clerk.locator('.hukou-mono').first().innerText()).trim();
  await shot(clerk, 'panjin-case-created');

  // Materials: every required one and the category's transfer order.
  const png = Buffer.from(
    await clerk.evaluate(() => {
      const c = document.createElement('canvas');
      c.width = 1000;
      c.height = 700;
      const g = c.getContext('2d');
      g.fillStyle = '#f5efe0';
      g.fillRect(0, 0, 1000, 700);
      g.fillStyle = '#333';
      for (let i = 0; i < 8; i++) g.fillRect(120, 120 + i * 60, 700 - (i % 3) * 100, 14);
      return c.toDataURL('image/png').split(',')[1];
    }),
    'base64',
  );
  const material = (code) => clerk.getByTestId(`material-${code}`);
  async function capture(code) {
    await material(code).getByRole('button', { name: /采集/ }).click();
    const name = (await material(code).locator('strong').first().innerText()).trim();
    await clerk.getByTestId('archive-file').setInputFiles({ name: `${name}.png`, mimeType: 'image/png', buffer: png });
    await clerk.getByTestId('archive-preview').waitFor();
    await clerk.locator('.ant-modal-footer').getByRole('button', { name: '上传' }).click();
    await material(code).getByTestId('archive-thumb').first().waitFor();
    await clerk.locator('.ant-modal-wrap').filter({ has: clerk.getByTestId('archive-preview') }).waitFor({ state: 'detached' });
  }
  const required = await clerk
    .locator('[data-testid^="material-"]')
    .filter({ hasText: '必交' })
    .evaluateAll((els) => els.map((e) => e.getAttribute('data-testid').slice('material-'.length)));
  for (const code of required) await capture(code);
  const submit = async () => {
    await clerk.evaluate(() => window.scrollTo(0, 0));
    await actions(clerk).getByRole('button', { name: '提交' }).click();
    await clerk.locator('.ant-modal-confirm-btns').getByRole('button', { name: '提交' }).click();
  };
  // Without the transfer order the category requires: refused on the materials panel.
  await submit();
  await clerk.getByTestId('case-files').getByTestId('materials-error').waitFor();
  await shot(clerk, 'panjin-category-material-missing');
  await capture('TRANSFER_ORDER');
  await submit();
  await clerk.getByText('提交成功').waitFor();
  await shot(clerk, 'panjin-submitted');

  // (b) Shijiazhuang: the city officer's move-out.
  await gql(sjz, sjzAdmin, `mutation { createUser(input: {username: "city-officer", displayName: "市局户籍民警",
    password: "officer-pass-1", officeCode: "130100000000", roles: [OFFICER]}) { id } }`);
  const officerToken = await login(sjz, 'city-officer', 'officer-pass-1');
  let remoteId;
  for (let i = 0; !remoteId; i++) {
    assert.ok(i < 60, 'the case never reached Shijiazhuang');
    const { cases } = await gql(sjz, officerToken, 'query($no: String) { cases(filter: {collabNo: $no}) { edges { node { id } } } }', { no: collabNo });
    remoteId = cases.edges[0]?.node.id;
    if (!remoteId) await new Promise((r) => setTimeout(r, 500));
  }
  const officer = await context.newPage();
  track(officer, 'shijiazhuang');
  await signIn(officer, sjz, 'city-officer', 'officer-pass-1');
  await officer.goto(`${sjz}/cases/${encodeURIComponent(remoteId)}`);
  await officer.getByText('办理过程').waitFor();
  await shot(officer, 'sjz-case-received');
  await actions(officer).getByRole('button', { name: '准予迁出' }).click();
  const dialog = officer.locator('.ant-modal-content');
  await dialog.getByText('户主迁出，请在留户成员中指定新户主').waitFor();
  // Without a new head: refused on the form.
  await officer.locator('.ant-modal-footer').getByRole('button', { name: '准予迁出' }).click();
  await fieldError(dialog, '新户主', '请选择新户主');
  const newHead = stayers[0];
  await formItem(dialog, '新户主').getByText(newHead.name, { exact: true }).click();
  for (const m of stayers.slice(1)) {
    const row = dialog.getByTestId('move-out-members').locator('.ant-table-row', { hasText: m.idNumber });
    await row.locator('.ant-select-selector').click();
    await officer.keyboard.type('20');
    await officer.waitForTimeout(300);
    await officer.keyboard.press('Enter');
  }
  await shot(officer, 'sjz-move-out');
  await officer.locator('.ant-modal-footer').getByRole('button', { name: '准予迁出' }).click();
  await officer.getByText('准予迁出成功').waitFor();
  await officer.getByTestId('migration-outcome').getByText('电子迁移证').waitFor();
  await shot(officer, 'sjz-moved-out');

  // (c) Panjin: the feedback arrives; the move-in establishes the new household.
  await clerk.bringToFront();
  await clerk.goto(clerkCaseUrl);
  for (let i = 0; !(await actions(clerk).getByRole('button', { name: '办理迁入' }).count()); i++) {
    assert.ok(i < 80, 'the move-out feedback never reached Panjin');
    await clerk.waitForTimeout(500);
    if (i % 4 === 3) await clerk.reload();
  }
  await clerk.getByTestId('migration-outcome').getByText('电子迁移证').waitFor();
  await shot(clerk, 'panjin-feedback');
  await actions(clerk).getByRole('button', { name: '办理迁入' }).click();
  const moveIn = clerk.locator('.ant-modal-content');
  await moveIn.getByTestId('fetch-cross-province').click();
  await moveIn.getByTestId('arriving-members').getByText(headRow.name).waitFor();
  await formItem(moveIn, '立为户主').getByText(headRow.name, { exact: true }).click();
  await shot(clerk, 'panjin-move-in');
  await clerk.locator('.ant-modal-footer').getByRole('button', { name: '办理迁入' }).click();
  await clerk.getByText('办理迁入成功').waitFor();
  await clerk.locator('.ant-descriptions').getByText('办结').first().waitFor();
  await until(clerk, clerk.getByTestId('case-files').locator('.ant-table-row', { hasText: '准予迁入证明' }), 'the move-in record at Panjin');
  await clerk.getByTestId('migration-outcome').scrollIntoViewIfNeeded();
  await shot(clerk, 'panjin-completed');
  await officer.bringToFront();
  await until(officer, officer.locator('.ant-descriptions').getByText('办结'), 'completion at Shijiazhuang');
  await shot(officer, 'sjz-completed');
});
