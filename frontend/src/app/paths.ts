// The generic pages' addresses. A kind's intake path is declared with its
// route in the kind's module (features/kinds.ts lists them).

export const paths = {
  login: '/login',
  workbench: '/',
  cases: '/cases',
  caseDetail: (id: string) => `/cases/${encodeURIComponent(id)}`,
  adminUsers: '/admin/users',
  adminAudit: '/admin/audit',
  adminOperations: '/admin/operations',
  query: '/query',
  archives: '/archives',
  archivePrint: (items: string[]) => `/archives/print?ids=${items.map((i) => i.split('*').map(encodeURIComponent).join('*')).join(',')}`,
  querySource: (source: string) => `/query/${encodeURIComponent(source)}`,
};
