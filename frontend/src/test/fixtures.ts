// Typed fixtures for component tests (shapes of the generated fragments).
import type { BirthDetailsFragment, CaseDetailFragment, CaseFileInfoFragment, Role } from '../graphql/generated/graphql';
import { SessionStore } from '../app/session';

export function caseFile(over: Partial<CaseFileInfoFragment>): CaseFileInfoFragment {
  return {
    __typename: 'CaseFile',
    id: 'f1',
    category: 'ARCHIVE',
    materialCode: 'BIRTH_CERT',
    name: '出生医学证明.jpg',
    contentType: 'image/jpeg',
    size: 204800,
    pages: 1,
    revision: 0,
    url: '/files/f1',
    thumbnailUrl: '/files/f1/thumbnail',
    createdBy: 'clerk',
    createdAt: '2026-11-25T09:30:00Z',
    version: 1,
    ...over,
  };
}

/** birthDetails is a birth registration's details as the case page reads them. */
export function birthDetails(over: Partial<BirthDetailsFragment> = {}): BirthDetailsFragment {
  return {
    __typename: 'BirthDetails',
    ministryChecks: [{ __typename: 'MinistryCheck', check: 'CERTIFICATE', passed: true, detail: 'M130000001' }],
    applicant: {
      __typename: 'BirthApplicant',
      newbornName: '张小明',
      ethnicity: '01',
      relation: '20',
      settleWith: 'FATHER',
      declarantName: '张伟',
      declarantIdNumber: '11010519491231002X',
      declarantPhone: '',
    },
    certificate: {
      __typename: 'BirthCertificateInfo',
      number: 'M130000001',
      name: '张小明',
      sex: '1',
      birthTime: '2026-11-01T08:00:00Z',
      hospital: '石家庄市妇产医院',
      motherName: '李娜',
      motherIdNumber: '',
      fatherName: '张伟',
      fatherIdNumber: '11010519491231002X',
    },
    householdNumber: '130100000001',
    refusalReasons: [],
    outcome: null,
    errorReport: [],
    pendingChange: null,
    ...over,
  };
}

/** birthCase is a birth registration at the acceptance office, in DRAFT, with what over and details change. */
export function birthCase(over: Partial<CaseDetailFragment> = {}, details: Partial<BirthDetailsFragment> = {}): CaseDetailFragment {
  return {
    __typename: 'Case',
    id: 'case-1',
    kind: 'BIRTH',
    side: 'ACCEPTANCE',
    collabNo: '2111002026112500001',
    status: 'DRAFT',
    people: [{ __typename: 'CasePerson', name: '张小明', idNumber: '' }],
    acceptanceOffice: '211100',
    registrationOffice: '130100',
    acceptanceOfficeName: '盘锦市',
    registrationOfficeName: '河北省石家庄市',
    deadlineAt: null,
    overdue: false,
    awaitingOtherSide: false,
    version: 3,
    updatedAt: '2026-11-25T10:00:00Z',
    createdAt: '2026-11-25T09:00:00Z',
    availableActions: [],
    canCaptureArchives: true,
    office: { __typename: 'Office', code: '211100000000', name: '盘锦市公安局' },
    timeline: [],
    forwards: [],
    materials: [],
    documents: [],
    details: birthDetails(details),
    ...over,
  };
}

/** aCase is a case of some kind, for tests of the generic case pages. */
export const aCase = (over: Partial<CaseDetailFragment> = {}) => birthCase(over);

/** signedInStore is a session store holding a signed-in user with roles (nothing persisted). */
export function signedInStore(roles: Role[]): SessionStore {
  const store = new SessionStore();
  store.set({
    accessToken: 'tok-123',
    accessExpiresAt: '2026-11-25T11:00:00Z',
    user: {
      __typename: 'User',
      id: 'u1',
      username: 'clerk',
      displayName: '王警官',
      roles,
      office: { __typename: 'Office', code: '211100000000', name: '盘锦市公安局' },
    },
  });
  return store;
}
