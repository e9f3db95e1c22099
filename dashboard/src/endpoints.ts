/** Paths of the other modules' APIs the dashboard calls, in one place. */
export const CALLER_LOOKUP_PATH = (callSid: string) => `/api/v1/calls/${encodeURIComponent(callSid)}/caller`;
export const PRESENCE_PATH = '/api/v1/operators/me/presence';
export const CALLBACKS_PATH = '/api/v1/callbacks?status=open';
export const EMAIL_ITEMS_PATH = '/api/v1/emails?status=open';
export const TICKETS_PATH = '/api/v1/tickets';
export const REPORT_PATH = '/api/v1/reports/calls';
