import { describe, expect, it, vi } from 'vitest';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  CheckIdCardPhotoDocument,
  IdCardLookupDocument,
  IdCardSettingsDocument,
  type CheckIdCardPhotoQuery,
  type CheckIdCardPhotoQueryVariables,
  type IdCardLookupQuery,
  type IdCardLookupQueryVariables,
  type IdCardSettingsQuery,
} from '../../../graphql/generated/graphql';
import { codeListMocks, renderWithProviders, typedMock } from '../../../test/render';
import { settings, SPOUSE } from '../testing';
import { FingerprintCapture, fingerProblem, emptySlots, toInput, type FingerSlot } from '../capture/FingerprintCapture';
import { PhotoCapture } from '../capture/PhotoCapture';
import { IdCardIntakeWizard } from './IdCardIntakeWizard';

const settingsMock = typedMock<IdCardSettingsQuery, Record<string, never>>({
  request: { query: IdCardSettingsDocument },
  maxUsageCount: Number.POSITIVE_INFINITY,
  result: { data: { __typename: 'Query', idCardSettings: settings } },
});

function lookup(refusals: { reason: string; field: string; message: string }[]) {
  return typedMock<IdCardLookupQuery, IdCardLookupQueryVariables>({
    request: { query: IdCardLookupDocument, variables: { idNumber: SPOUSE, applicationKind: 'RENEWAL', reason: 'EXPIRED' } },
    result: {
      data: {
        __typename: 'Query',
        idCardLookup: {
          __typename: 'IdCardLookup',
          person: { __typename: 'IdCardPerson', idNumber: SPOUSE, name: '李秀英', sex: '2', ethnicity: '01', birthDate: '1987-06-20' },
          householdNumber: '020199999',
          address: '长安区建北街道3号',
          officeCode: '130102000100',
          province: '13',
          serviceOpen: true,
          eligibility: { __typename: 'IdCardEligibility', eligible: refusals.length === 0, reason: '', message: '' },
          history: [
            {
              __typename: 'IdCardRecord',
              kind: 'RENEWAL',
              appliedOn: '2013-05-31',
              issuedOn: '2013-06-20',
              validUntil: '2033-06-20',
              status: 'ISSUED',
              foundAt: '2026-11-25T01:30:00Z',
              foundStation: '211102001000',
              foundClaimed: false,
            },
          ],
          refusals: refusals.map((r) => ({ __typename: 'IdCardRefusal' as const, ...r })),
          ministryChecks: [{ __typename: 'MinistryCheck', check: 'OFFSITE_ELIGIBILITY', passed: refusals.length === 0, detail: '' }],
        },
      },
    },
  });
}

async function lookUp(user: ReturnType<typeof userEvent.setup>) {
  await user.type(screen.getByLabelText('公民身份号码'), SPOUSE);
  await user.click(screen.getByLabelText('申领原因'));
  await user.click(await screen.findByTitle('有效期满换领'));
  await user.click(screen.getByRole('button', { name: '核查' }));
}

describe('the ID card intake', () => {
  it('shows every reason the application cannot be made, in Chinese, and does not go on (1.1.8)', async () => {
    const user = userEvent.setup();
    renderWithProviders(<IdCardIntakeWizard onCreated={vi.fn()} />, [
      ...codeListMocks,
      settingsMock,
      lookup([
        { reason: 'id_card.not_expired', field: 'reason', message: 'the card is valid until 2033-06-20' },
        { reason: 'id_card.offsite.case_in_progress', field: 'idNumber', message: 'in progress' },
      ]),
    ]);
    await lookUp(user);
    const refusals = await screen.findByTestId('idcard-refusals');
    expect(refusals).toHaveTextContent('原证尚未到期（或为长期有效），不能以有效期满为由换领');
    expect(refusals).toHaveTextContent('部库核查：该人员已有在办的身份证申请，不能异地受理');
    expect(screen.getByTestId('idcard-lookup')).toHaveTextContent('李秀英');
    expect(screen.getByTestId('idcard-lookup')).toHaveTextContent('2033-06-20');
    // 3.1.5: the card found and held at a station is flagged in the history.
    expect(screen.getByTestId('idcard-lookup')).toHaveTextContent('已拾获');
    expect(screen.getByTestId('idcard-lookup')).toHaveTextContent('211102001000');
    expect(screen.getByRole('button', { name: '下一步' })).toBeDisabled();
  });

  it('completes a portal’s online application: its data prefills the look-up (3.1.4)', async () => {
    const user = userEvent.setup();
    const online = { id: 'app-9', version: 2, applicant: { idNumber: SPOUSE, applicationKind: 'RENEWAL' as const, reason: 'EXPIRED', phone: '13912345678' } };
    renderWithProviders(<IdCardIntakeWizard onCreated={vi.fn()} online={online} />, [...codeListMocks, settingsMock, lookup([])]);
    expect(await screen.findByDisplayValue(SPOUSE)).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: '核查' }));
    expect(await screen.findByText('核查通过，可以受理')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: '下一步' }));
    expect(await screen.findByDisplayValue('13912345678')).toBeInTheDocument();
    // #18: the clerk is told the corrections made here are saved with the acceptance.
    expect(screen.getByTestId('idcard-online-contact-hint')).toHaveTextContent('您在此所做的修改将随受理一并保存');
  });

  it('tells nothing of a portal at the counter’s own intake', async () => {
    const user = userEvent.setup();
    renderWithProviders(<IdCardIntakeWizard onCreated={vi.fn()} />, [...codeListMocks, settingsMock, lookup([])]);
    await lookUp(user);
    await user.click(await screen.findByRole('button', { name: '下一步' }));
    expect(await screen.findByLabelText('联系电话')).toBeInTheDocument();
    expect(screen.queryByTestId('idcard-online-contact-hint')).not.toBeInTheDocument();
  });

  it('goes on when the look-ups pass', async () => {
    const user = userEvent.setup();
    renderWithProviders(<IdCardIntakeWizard onCreated={vi.fn()} />, [...codeListMocks, settingsMock, lookup([])]);
    await lookUp(user);
    expect(await screen.findByText('核查通过，可以受理')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: '下一步' }));
    expect(await screen.findByLabelText('联系电话')).toBeInTheDocument();
  });
});

describe('the photo (GA 461)', () => {
  it('shows the exact reason the server refuses a photo', async () => {
    const user = userEvent.setup();
    const file = new File([new Uint8Array([0xff, 0xd8, 0xff, 1, 2, 3])], 'p.jpg', { type: 'image/jpeg' });
    const refused = typedMock<CheckIdCardPhotoQuery, CheckIdCardPhotoQueryVariables>({
      request: { query: CheckIdCardPhotoDocument, variables: { photo: '/9j/AQID' } },
      result: { errors: [{ message: 'the photo is 400×441 pixels', extensions: { code: 'BAD_USER_INPUT', field: 'photo', reason: 'id_card.photo_dimensions' } }] },
    });
    globalThis.URL.createObjectURL = vi.fn(() => 'blob:photo');
    const onChange = vi.fn();
    renderWithProviders(<PhotoCapture rules={settings.photo} value={null} onChange={onChange} />, [refused]);
    await user.upload(screen.getByTestId('photo-file'), file);
    await vi.waitFor(() => expect(onChange).toHaveBeenCalled());
    expect(onChange.mock.calls[0][0]).toMatchObject({ ok: false, problem: '相片尺寸须为 358×441 像素（GA 461）', base64: '/9j/AQID' });
  });
});

describe('the fingers', () => {
  it('captures through the device port and warns of a low quality', async () => {
    const user = userEvent.setup();
    const fetchMock = vi.fn<typeof fetch>().mockResolvedValue(
      new Response(JSON.stringify({ position: 2, quality: 41, minutiae: 30, template: 'Rk1S', image: 'iVBO', width: 256, height: 360 }), { status: 200 }),
    );
    vi.stubGlobal('fetch', fetchMock);
    let slots: FingerSlot[] = emptySlots();
    const { rerender } = renderWithProviders(<FingerprintCapture settings={settings} subject={SPOUSE} value={slots} onChange={(v) => (slots = v)} />, []);
    await user.click(within(screen.getByTestId('finger-1')).getByRole('button', { name: '采集' }));
    await vi.waitFor(() => expect(slots[0].capture?.quality).toBe(41));
    rerender(<FingerprintCapture settings={settings} subject={SPOUSE} value={slots} onChange={(v) => (slots = v)} />);
    expect(screen.getByTestId('finger-1-result')).toHaveTextContent('质量分 41');
    expect(fingerProblem(slots, 60)).toBe('质量不足（低于 60），请擦净手指和采集窗后重新采集');
    vi.unstubAllGlobals();
  });

  it('sends a finger that cannot be taken with its code', () => {
    const slots: FingerSlot[] = [
      { position: 2, notAvailable: '', capture: { position: 2, quality: 80, minutiae: 30, template: 'T', image: 'I', width: 256, height: 360 } },
      { position: 7, notAvailable: 'MISSING', capture: null },
    ];
    expect(fingerProblem(slots, 60)).toBeNull();
    expect(toInput(slots)).toEqual([
      { position: 2, notAvailable: '', template: 'T', image: 'I' },
      { position: 7, notAvailable: 'MISSING', template: '', image: '' },
    ]);
    expect(fingerProblem([slots[0], { ...slots[1], position: 2 }], 60)).toBe('两枚指纹不能是同一手指');
    expect(fingerProblem(emptySlots(), 60)).toBe('请采集指纹，或标注无法采集的原因');
  });
});
