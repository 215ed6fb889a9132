// The generic pages' addresses. A kind's intake path is declared with its
// route in the kind's module (features/kinds.ts lists them).

export const paths = {
  login: '/login',
  workbench: '/',
  cases: '/cases',
  caseDetail: (id: string) => `/cases/${encodeURIComponent(id)}`,
  /** A case opened on its materials, where capture continues after an intake is saved (1.4.11). */
  caseMaterials: (id: string) => `/cases/${encodeURIComponent(id)}#materials`,
  adminUsers: '/admin/users',
  adminAudit: '/admin/audit',
  adminOperations: '/admin/operations',
  adminSeals: '/admin/seals',
  verifyDocument: '/documents/verify',
  mySeals: '/my-seals',
  query: '/query',
  online: '/online',
  portalMessages: '/online/messages',
  foundCards: '/found-cards',
  adminIntegrators: '/admin/integrators',
  adminWebhooks: '/admin/webhooks',
  archives: '/archives',
  archivePrint: (items: string[]) => `/archives/print?ids=${items.map((i) => i.split('*').map(encodeURIComponent).join('*')).join(',')}`,
  querySource: (source: string) => `/query/${encodeURIComponent(source)}`,
};
