/** Paths of the other modules' APIs the dashboard calls, in one place. */
export const CALLER_LOOKUP_PATH = (callSid: string) => `/api/v1/calls/${encodeURIComponent(callSid)}/caller`;
export const PRESENCE_PATH = '/api/v1/operators/me/presence';
export const CALLBACKS_PATH = '/api/v1/callbacks?status=open';
export const CALLBACK_PATH = (id: string) => `/api/v1/callbacks/${encodeURIComponent(id)}`;
/** E-mail becomes tickets (channel email) as it arrives: the operator's e-mail work is the open ones. */
export const EMAIL_ITEMS_PATH = '/api/v1/tickets?channel=email&limit=50';
export const TICKETS_PATH = '/api/v1/tickets';
export const REPORT_PATH = '/api/v1/reports/calls';
export const QUARANTINE_PATH = '/api/v1/email/quarantine';
export const QUARANTINE_ITEM_PATH = (id: string, action: 'assign' | 'discard') => `/api/v1/email/quarantine/${encodeURIComponent(id)}/${action}`;
export const CALLBACKS_LIST_PATH = '/api/v1/callbacks';
export const CALL_OUTCOME_PATH = (callSid: string) => `/api/v1/calls/${encodeURIComponent(callSid)}/outcome`;
export const OUTCOME_CODES_PATH = (agency: string) => `/api/v1/agencies/${encodeURIComponent(agency)}/outcome-codes`;
