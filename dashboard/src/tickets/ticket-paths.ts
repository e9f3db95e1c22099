/** Where the tickets screens live and which API paths they read, in one place. */
export const TICKETS_SCREEN_PATH = '/segnalazioni';

export function ticketScreenPath(ref: string): string {
  return `${TICKETS_SCREEN_PATH}/${encodeURIComponent(ref)}`;
}

/** The reference a path opens, or null for the list (`/segnalazioni`). */
export function refOfScreenPath(path: string): string | null {
  const rest = path.slice(TICKETS_SCREEN_PATH.length + 1);
  return path.startsWith(`${TICKETS_SCREEN_PATH}/`) && rest ? decodeURIComponent(rest) : null;
}

export const ticketApiPath = (ref: string) => `/api/v1/tickets/${encodeURIComponent(ref)}`;
export const ticketEmailsPath = (ref: string) => `/api/v1/emails?ticket=${encodeURIComponent(ref)}`;
export const emailApiPath = (id: string) => `/api/v1/emails/${encodeURIComponent(id)}`;
export const ticketCallsPath = (callSids: readonly string[]) => `/api/v1/calls?limit=20&callSid=${callSids.map(encodeURIComponent).join(',')}`;
export const cannedAnswersPath = (agency: string) => `/api/v1/agencies/${encodeURIComponent(agency)}/canned-answers`;
