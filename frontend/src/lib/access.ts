// What the signed-in user may see and start, derived from roles only. The
// server stays authoritative: case actions come from availableActions, and
// these booleans merely hide menus and entry points a role cannot use.
import type { Role } from '../graphql/generated/graphql';

export interface Access {
  /** Clerks accept cases at the counter (受理地). */
  canIntake: boolean;
  /** Officers handle cases at the registration office (户籍地). */
  canHandleRegistration: boolean;
  /** Approvers approve major-item changes. */
  canApprove: boolean;
  /** Who may open the workbench, the case list and case details. */
  canViewCases: boolean;
  /** Archivists and administrators may set archive restrictions. */
  canRestrictArchives: boolean;
  /** Who may search archives (1.4.8): the operational roles; masked roles read no archive. */
  canSearchArchives: boolean;
  /** Who may modify, delete and restore archives (1.4.6, 1.4.7); the server adds the case's status and the flags. */
  canChangeArchives: boolean;
  isAdmin: boolean;
  /** Analysts and supervisors (approvers, administrators) build query views (1.5.x). */
  canQuery: boolean;
  /** The roles that handle documents verify their electronic seals (5.1.2). */
  canVerifyDocuments: boolean;
  /** The station's clerks and supervisors answer portals' messages and instructions (3.1.7). */
  canAnswerPortalMessages: boolean;
  /** The offices' staff read online applications and what the counter corrected in them (3.1.4). */
  canReadOnlineApplications: boolean;
}

const documentRoles: readonly Role[] = ['CLERK', 'OFFICER', 'APPROVER', 'ARCHIVIST', 'ADMIN'];
const caseRoles: readonly Role[] = ['CLERK', 'OFFICER', 'APPROVER', 'ARCHIVIST', 'ANALYST', 'ADMIN'];

export function accessFor(roles: readonly Role[]): Access {
  const has = (r: Role) => roles.includes(r);
  return {
    canIntake: has('CLERK'),
    canHandleRegistration: has('OFFICER'),
    canApprove: has('APPROVER'),
    canViewCases: roles.some((r) => caseRoles.includes(r)),
    canRestrictArchives: has('ARCHIVIST') || has('ADMIN'),
    canSearchArchives: ['CLERK', 'OFFICER', 'APPROVER', 'ARCHIVIST', 'ADMIN'].some((r) => has(r as Role)),
    canChangeArchives: ['CLERK', 'OFFICER', 'ARCHIVIST', 'ADMIN'].some((r) => has(r as Role)),
    isAdmin: has('ADMIN'),
    canQuery: has('ANALYST') || has('APPROVER') || has('ADMIN'),
    canVerifyDocuments: documentRoles.some(has),
    canAnswerPortalMessages: ['CLERK', 'OFFICER', 'APPROVER', 'ADMIN'].some((r) => has(r as Role)),
    canReadOnlineApplications: ['CLERK', 'OFFICER', 'APPROVER', 'ADMIN'].some((r) => has(r as Role)),
  };
}

/** permits says whether access grants key; a page or entry without a key is open to every signed-in user. */
export function permits(access: Access, key: keyof Access | undefined): boolean {
  return !key || access[key];
}
