/**
 * A call's life as data. `outcome` is what the reports count; Twilio's own `CallStatus`
 * is kept beside it. Final statuses are never left: callbacks arrive in any order.
 */
export const CALL_OUTCOMES = [
  'unknown_number', // dialled a number no agency owns
  'out_of_hours', // came in while the agency was closed
  'in_menu', // heard the menu, has not chosen yet
  'queued', // waiting in a queue
  'bridged', // talking to an operator (QueueResult not yet reported)
  'answered', // QueueResult=bridged
  'abandoned', // hung up in queue at or after the short-abandon threshold
  'short_abandoned', // hung up in queue before it
  'left_menu', // hung up before choosing a queue
  'queue_other', // any other QueueResult (error, leave, redirected, queue-full, system-error)
  'lost', // waited in queue, then fell silent: no wait-URL poll and no result within the silence window
  'callback_waiting', // left the queue keeping its place: a queued call-back waits to be dialled (src/domain/queued-callback.ts)
  'queued_callback', // «richiamata in coda»: the queued call-back was made (reached, or handed to a call-back task)
  'incident_report', // heard a known problem of their building before the menu and added their report to it, no operator needed
] as const;
export type CallOutcome = (typeof CALL_OUTCOMES)[number];

export const FINAL_CALL_STATUSES = ['completed', 'busy', 'failed', 'no-answer', 'canceled'] as const;
export const CALL_STATUSES = ['queued', 'initiated', 'ringing', 'in-progress', ...FINAL_CALL_STATUSES] as const;
export type CallStatus = (typeof CALL_STATUSES)[number];

export function isFinalStatus(status: string): boolean {
  return (FINAL_CALL_STATUSES as readonly string[]).includes(status);
}

const STATUS_ORDER: Readonly<Record<string, number>> = {
  queued: 0,
  initiated: 1,
  ringing: 2,
  'in-progress': 3,
  completed: 4,
  busy: 4,
  failed: 4,
  'no-answer': 4,
  canceled: 4,
};

/**
 * Whether a status callback may replace the current status. Twilio numbers callbacks with
 * SequenceNumber, but gives no ordering guarantee; a final status is never moved back.
 */
export function shouldApplyStatus(current: { status: string; sequence: number | null }, incoming: { status: string; sequence: number | null }): boolean {
  if (isFinalStatus(current.status)) return false;
  if (current.sequence !== null && incoming.sequence !== null) return incoming.sequence > current.sequence;
  return (STATUS_ORDER[incoming.status] ?? -1) >= (STATUS_ORDER[current.status] ?? -1);
}

/**
 * Outcome of a `<Enqueue action>` callback for a call in `current`. A caller already bridged to an
 * operator was answered, whatever the result says: Twilio reports `hangup` too when the caller
 * hangs up after the conversation, and that must not turn an answered call into an abandoned one.
 */
export function outcomeOfQueueResult(queueResult: string, queueTimeSeconds: number, shortAbandonSeconds: number, current?: string): CallOutcome {
  if (current === 'bridged' || queueResult === 'bridged') return 'answered';
  if (queueResult === 'hangup') return queueTimeSeconds < shortAbandonSeconds ? 'short_abandoned' : 'abandoned';
  return 'queue_other';
}

/**
 * The call's life as one table: from each outcome, the outcomes it may move to. Anything else is
 * a webhook late or out of order that would go backwards (a `hangup` after the bridge, a menu
 * digit after the queue): its event is kept in `call_events`, the call does not change.
 *
 * `lost` is our own conclusion from silence, not Twilio's word: a result that arrives after it
 * is the truth and replaces it.
 */
export const CALL_TRANSITIONS: Readonly<Record<CallOutcome, readonly CallOutcome[]>> = {
  unknown_number: [],
  out_of_hours: [],
  in_menu: ['queued', 'left_menu', 'incident_report'],
  queued: ['bridged', 'answered', 'abandoned', 'short_abandoned', 'queue_other', 'lost', 'callback_waiting'],
  bridged: ['answered'],
  lost: ['bridged', 'answered', 'abandoned', 'short_abandoned', 'queue_other'],
  answered: [],
  abandoned: [],
  short_abandoned: [],
  left_menu: [],
  queue_other: [],
  // The caller has left the queue on purpose (`<Leave/>`): the `leave` result and the hang-up change nothing.
  callback_waiting: ['queued_callback'],
  queued_callback: [],
  incident_report: [],
};

/** Whether a call in `from` may move to `to` (staying where it is always may). */
export function canMoveCall(from: string, to: CallOutcome): boolean {
  if (from === to) return true;
  return (CALL_TRANSITIONS[from as CallOutcome] ?? []).includes(to);
}

/**
 * What a final status callback (the caller's call is over) settles: a caller still in the menu
 * left it; a caller bridged to an operator was answered, even if the queue result never comes.
 * A caller still queued is left to the queue result, or to the silence reconciler.
 */
export function outcomeAtCallEnd(current: string): CallOutcome | null {
  if (current === 'in_menu') return 'left_menu';
  if (current === 'bridged') return 'answered';
  return null;
}

/** Outcomes that end a call's time on the live screens (only `lost` may still be corrected, see CALL_TRANSITIONS). */
export const SETTLED_OUTCOMES: readonly CallOutcome[] = [
  'unknown_number',
  'out_of_hours',
  'answered',
  'abandoned',
  'short_abandoned',
  'queue_other',
  'left_menu',
  'lost',
  'queued_callback',
  'incident_report',
];
