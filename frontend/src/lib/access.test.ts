import { describe, expect, it } from 'vitest';
import { accessFor } from './access';

describe('accessFor', () => {
  it('lets a clerk take in cases but not handle the registration side', () => {
    expect(accessFor(['CLERK'])).toEqual({
      canIntake: true,
      canHandleRegistration: false,
      canApprove: false,
      canViewCases: true,
      canRestrictArchives: false,
      canSearchArchives: true,
      canChangeArchives: true,
      isAdmin: false,
      canQuery: false,
      canVerifyDocuments: true,
      canAnswerPortalMessages: true,
      canReadOnlineApplications: true,
    });
  });
  it('lets the station staff answer portal messages, not analysts, archivists or portals (3.1.7)', () => {
    expect(accessFor(['OFFICER']).canAnswerPortalMessages).toBe(true);
    expect(accessFor(['ADMIN']).canAnswerPortalMessages).toBe(true);
    expect(accessFor(['ANALYST', 'ARCHIVIST', 'INTEGRATOR']).canAnswerPortalMessages).toBe(false);
  });
  it('lets the offices’ staff read online applications and the counter’s corrections, not analysts, archivists or portals (3.1.4)', () => {
    for (const r of ['CLERK', 'OFFICER', 'APPROVER', 'ADMIN'] as const) expect(accessFor([r]).canReadOnlineApplications).toBe(true);
    expect(accessFor(['ANALYST', 'ARCHIVIST', 'INTEGRATOR']).canReadOnlineApplications).toBe(false);
  });
  it('lets the roles that handle documents verify seals, not analysts or portals (5.1.2)', () => {
    expect(accessFor(['ANALYST']).canVerifyDocuments).toBe(false);
    expect(accessFor(['INTEGRATOR']).canVerifyDocuments).toBe(false);
    expect(accessFor(['ARCHIVIST']).canVerifyDocuments).toBe(true);
  });
  it('gives analysts and supervisors the query views, not clerks (1.5.1)', () => {
    expect(accessFor(['ANALYST']).canQuery).toBe(true);
    expect(accessFor(['APPROVER']).canQuery).toBe(true);
    expect(accessFor(['ADMIN']).canQuery).toBe(true);
    expect(accessFor(['CLERK', 'OFFICER', 'ARCHIVIST', 'INTEGRATOR']).canQuery).toBe(false);
  });
  it('gives an approver who is also an officer both sets', () => {
    const a = accessFor(['APPROVER', 'OFFICER']);
    expect(a.canApprove && a.canHandleRegistration && !a.canIntake).toBe(true);
  });
  it('keeps an Internet+ integrator out of the case screens', () => {
    expect(accessFor(['INTEGRATOR']).canViewCases).toBe(false);
  });
  it('gives nothing without roles', () => {
    expect(Object.values(accessFor([])).every((v) => v === false)).toBe(true);
  });
  it('gives archive management to the operational roles, not to masked ones (1.4.6–1.4.8)', () => {
    expect(accessFor(['ARCHIVIST']).canSearchArchives && accessFor(['ARCHIVIST']).canChangeArchives).toBe(true);
    expect(accessFor(['APPROVER']).canSearchArchives).toBe(true);
    expect(accessFor(['APPROVER']).canChangeArchives).toBe(false);
    expect(accessFor(['ANALYST']).canSearchArchives).toBe(false);
    expect(accessFor(['INTEGRATOR']).canSearchArchives).toBe(false);
  });
  it('lets archivists and administrators restrict archives', () => {
    expect(accessFor(['ARCHIVIST']).canRestrictArchives).toBe(true);
    expect(accessFor(['ADMIN']).canRestrictArchives).toBe(true);
  });
});
