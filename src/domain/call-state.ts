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

/** Outcome of a `<Enqueue action>` callback. */
export function outcomeOfQueueResult(queueResult: string, queueTimeSeconds: number, shortAbandonSeconds: number): CallOutcome {
  if (queueResult === 'bridged') return 'answered';
  if (queueResult === 'hangup') return queueTimeSeconds < shortAbandonSeconds ? 'short_abandoned' : 'abandoned';
  return 'queue_other';
}

/** Outcomes after which no queue event can change the call any more. */
export const SETTLED_OUTCOMES: readonly CallOutcome[] = [
  'unknown_number',
  'out_of_hours',
  'answered',
  'abandoned',
  'short_abandoned',
  'queue_other',
  'left_menu',
];
