// Typed fixtures of the ID card's details for its component tests.
import type { CaseDetailFragment, IdCardDetailsFragment, IdCardSettingsQuery } from '../../graphql/generated/graphql';
import { birthCase } from '../../test/fixtures';

export const SPOUSE = '130602198706200268';
export const SON = '130602201509010355';

export function idCardDetails(over: Partial<IdCardDetailsFragment> = {}): IdCardDetailsFragment {
  return {
    __typename: 'IdCardDetails',
    kindName: '换领',
    reasonName: '登记项目变更换领',
    householdNumber: '020199999',
    address: '长安区建北街道3号',
    ministryChecks: [{ __typename: 'MinistryCheck', check: 'OFFSITE_ELIGIBILITY', passed: true, detail: '' }],
    applicant: {
      __typename: 'IdCardApplicant',
      idNumber: SPOUSE,
      applicationKind: 'RENEWAL',
      reason: 'DATA_CHANGED',
      reasonNote: null,
      phone: '13912345678',
      pickup: 'IN_PERSON',
      postAddress: '',
      postRecipient: '',
      postCode: '',
      applicationDate: '2026-12-01',
      fingerprints: [
        { __typename: 'IdCardFingerprint', position: 2, fingerName: '右手食指', notAvailable: null, quality: 82 },
        { __typename: 'IdCardFingerprint', position: 7, fingerName: '左手食指', notAvailable: 'INJURED', quality: 0 },
      ],
    },
    person: {
      __typename: 'IdCardPerson',
      idNumber: SPOUSE,
      name: '李秀英',
      sex: '2',
      ethnicity: '01',
      birthDate: '1987-06-20',
    },
    eligibility: { __typename: 'IdCardEligibility', eligible: true },
    history: [],
    outcome: {
      __typename: 'IdCardOutcome',
      writtenBackAt: null,
      review: null,
      issue: null,
      packages: [],
      feedback: [],
      production: null,
      licence: null,
      collection: null,
    },
    ...over,
  };
}

export function idCardCase(over: Partial<CaseDetailFragment> = {}, d: Partial<IdCardDetailsFragment> = {}): CaseDetailFragment {
  return birthCase({ kind: 'ID_CARD', collabNo: 'XT211103202612010000001', details: idCardDetails(d), ...over });
}

export const settings: IdCardSettingsQuery['idCardSettings'] = {
  __typename: 'IdCardSettings',
  deviceUrl: 'http://127.0.0.1:24008/fingerprint',
  minQuality: 60,
  matchThreshold: 40,
  photo: { __typename: 'IdCardPhotoRules', width: 358, height: 441, minBytes: 10240, maxBytes: 81920 },
  fingerCodes: [
    { __typename: 'IdCardCode', code: 'MISSING', name: '缺指' },
    { __typename: 'IdCardCode', code: 'INJURED', name: '手指受伤（暂时无法采集）' },
  ],
  reasons: [
    { __typename: 'IdCardReason', kind: 'FIRST', code: 'FIRST_APPLICATION', name: '首次申领' },
    { __typename: 'IdCardReason', kind: 'RENEWAL', code: 'EXPIRED', name: '有效期满换领' },
    { __typename: 'IdCardReason', kind: 'RENEWAL', code: 'DATA_CHANGED', name: '登记项目变更换领' },
    { __typename: 'IdCardReason', kind: 'REPLACEMENT', code: 'LOST', name: '遗失补领' },
  ],
};
