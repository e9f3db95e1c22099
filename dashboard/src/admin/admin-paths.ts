/** Where the administration area lives, and the page of one agency inside it. */
export const ADMIN_PATH = '/amministrazione';

export const ADMIN_TABS = [
  { path: `${ADMIN_PATH}`, label: 'Enti' },
  { path: `${ADMIN_PATH}/utenti`, label: 'Utenti' },
  { path: `${ADMIN_PATH}/code`, label: 'Code operatori' },
  { path: `${ADMIN_PATH}/token`, label: 'Token API' },
  { path: `${ADMIN_PATH}/registro`, label: 'Registro modifiche', adminOnly: true },
] as const;

const AGENCY_PREFIX = `${ADMIN_PATH}/enti/`;

export const agencyAdminPath = (code: string) => `${AGENCY_PREFIX}${encodeURIComponent(code)}`;

/** The agency code of an agency page's path, or null on any other page of the area. */
export function agencyOfPath(path: string): string | null {
  return path.startsWith(AGENCY_PREFIX) ? decodeURIComponent(path.slice(AGENCY_PREFIX.length).split('/')[0]) || null : null;
}

export const ADMIN_API = {
  agencies: '/api/v1/admin/agencies',
  agency: (code: string) => `/api/v1/admin/agencies/${encodeURIComponent(code)}`,
  agencyPart: (code: string, part: string) => `/api/v1/admin/agencies/${encodeURIComponent(code)}/${part}`,
  users: '/api/v1/admin/users',
  user: (id: string) => `/api/v1/admin/users/${id}`,
  tokens: '/api/v1/admin/tokens',
  token: (id: string) => `/api/v1/admin/tokens/${id}`,
  audit: '/api/v1/admin/audit',
} as const;
