/**
 * What every table holds, for GDPR purposes: whose data it is (which agency, through which
 * column or parent), which of its text, JSON and binary columns carry personal data, and what
 * happens to it at the end of an agency's contract. The full agency export and the end-of-contract
 * deletion are driven by this map; a test holds it to the live schema, so a column added by any
 * module must be classified here before the suite passes.
 */

export type TableScope =
  /** The row belongs to the agency named in `column`. */
  | Readonly<{ kind: 'agency'; column: string }>
  /** The row belongs to the agency of its parent row: `column` = `parent`.`parentColumn`. */
  | Readonly<{ kind: 'parent'; column: string; parent: string; parentColumn: string }>
  /** A JSON column names the agency (`body->>'agency'`). */
  | Readonly<{ kind: 'json'; column: string; key: string }>
  /** Not an agency's data: the call center's own staff, security and platform records. */
  | Readonly<{ kind: 'none'; reason: string }>;

export type TableRule = Readonly<{
  table: string;
  scope: TableScope;
  /** Columns that hold personal data (of tenants, callers, or of staff where noted). */
  personal: readonly string[];
  /** Text, JSON and binary columns that hold none. */
  neutral: readonly string[];
  /** Left out of the agency export: secrets that would be a risk and of no use to the controller. */
  secret?: readonly string[];
  /** At the end of the contract: deleted with the agency's data, or kept (with the reason). */
  atContractEnd: 'delete' | Readonly<{ keep: string }>;
}>;

const agency = (column = 'agency_code'): TableScope => ({ kind: 'agency', column });
const parent = (column: string, parentTable: string, parentColumn = 'id'): TableScope => ({ kind: 'parent', column, parent: parentTable, parentColumn });
const none = (reason: string): TableScope => ({ kind: 'none', reason });

/**
 * In deletion order: children before their parents. The export walks the same list.
 */
export const PRIVACY_DATA_MAP: readonly TableRule[] = [
  // Calls
  {
    table: 'call_events',
    scope: parent('call_sid', 'calls', 'call_sid'),
    personal: ['payload'],
    neutral: ['call_sid', 'step', 'type', 'response'],
    atContractEnd: 'delete',
  },
  {
    table: 'calls',
    scope: agency(),
    personal: ['from_number', 'callback_phone'],
    neutral: [
      'call_sid',
      'agency_code',
      'portfolio_id',
      'to_number',
      'number_kind',
      'status',
      'outcome',
      'category',
      'queue_name',
      'answered_by',
      'operator_call_sid',
      'wrap_up_code',
      'wrap_up_by',
      'callback_result',
      'pre_menu',
      'repeat_call',
    ],
    atContractEnd: 'delete',
  },
  // A caller's keypad rating of the service: no caller number, kept for the quality figures.
  { table: 'call_ratings', scope: agency(), personal: [], neutral: ['call_sid', 'agency_code'], atContractEnd: 'delete' },
  {
    table: 'call_rollup_hourly',
    scope: agency(),
    personal: [],
    neutral: ['agency_code', 'category', 'number_kind', 'portfolio_id', 'answered_wait_le', 'hangup_wait_le'],
    atContractEnd: 'delete',
  },
  { table: 'call_rollup_watermarks', scope: agency(), personal: [], neutral: ['agency_code', 'timezone'], atContractEnd: 'delete' },
  // Call-backs
  {
    table: 'callback_attempts',
    scope: parent('callback_id', 'callbacks'),
    personal: ['note'],
    neutral: ['outcome', 'actor_id', 'actor_name', 'call_sid'],
    atContractEnd: 'delete',
  },
  { table: 'callback_calls', scope: parent('callback_id', 'callbacks'), personal: [], neutral: ['call_sid'], atContractEnd: 'delete' },
  {
    table: 'callbacks',
    scope: agency(),
    personal: ['caller_phone'],
    neutral: [
      'agency_code',
      'call_sid',
      'queue_name',
      'category',
      'status',
      'last_outcome',
      'assigned_to',
      'ticket_ref',
      'closed_reason',
      'closed_by_call_sid',
    ],
    atContractEnd: 'delete',
  },
  // Deliveries to the agency's offices
  { table: 'delivery_attempts', scope: parent('delivery_id', 'deliveries'), personal: [], neutral: ['error'], atContractEnd: 'delete' },
  {
    table: 'deliveries',
    scope: agency(),
    personal: ['payload'],
    neutral: ['agency_code', 'ticket_ref', 'kind', 'event_type', 'dedupe_key', 'status', 'last_error'],
    atContractEnd: 'delete',
  },
  {
    table: 'delivery_targets',
    scope: agency(),
    personal: [],
    neutral: ['agency_code', 'portfolio_id', 'category', 'kind', 'label', 'url', 'email_to'],
    secret: ['secret'],
    atContractEnd: 'delete',
  },
  // Reports that arrive by e-mail: aggregate figures, sent to the agency's own people
  { table: 'report_mail_recipients', scope: agency(), personal: ['address'], neutral: ['agency_code', 'kind'], atContractEnd: 'delete' },
  {
    table: 'report_mailings',
    scope: agency(),
    personal: ['to_address'],
    neutral: ['kind', 'agency_code', 'period', 'subject', 'text_body', 'html_body', 'attachment_name', 'attachment_csv', 'dedupe_key', 'status', 'last_error'],
    atContractEnd: 'delete',
  },
  // Tickets
  {
    table: 'ticket_events',
    scope: parent('ticket_id', 'tickets'),
    personal: ['text', 'data'],
    neutral: ['type', 'from_status', 'to_status', 'email_id', 'actor_kind', 'actor_id', 'actor_name', 'actor_role'],
    atContractEnd: 'delete',
  },
  // Incidents: a building's known problem is the agency's; the text names a building, not a person.
  { table: 'incident_tickets', scope: parent('incident_id', 'incidents'), personal: [], neutral: ['via'], atContractEnd: 'delete' },
  {
    table: 'incidents',
    scope: agency(),
    personal: [],
    neutral: ['agency_code', 'municipality', 'building', 'address', 'category', 'description', 'status', 'created_by', 'closed_by', 'closing_note'],
    atContractEnd: 'delete',
  },
  { table: 'ticket_calls', scope: parent('ticket_id', 'tickets'), personal: [], neutral: ['call_sid'], atContractEnd: 'delete' },
  {
    table: 'tickets',
    scope: agency(),
    personal: ['subject', 'description', 'caller_phone', 'caller_name', 'caller_email', 'tenant_code', 'dwelling'],
    neutral: [
      'ref',
      'agency_code',
      'portfolio_id',
      'category',
      'status',
      'channel',
      'priority',
      'assigned_to',
      'created_by_id',
      'created_by_name',
      'linked_ref',
      'link_kind',
    ],
    atContractEnd: 'delete',
  },
  { table: 'ticket_counters', scope: agency(), personal: [], neutral: ['agency_code'], atContractEnd: 'delete' },
  // E-mail (the bytes of raw messages and attachments are the chunks of their blobs)
  { table: 'email_blob_chunks', scope: parent('email_id', 'inbound_emails'), personal: ['bytes'], neutral: [], atContractEnd: 'delete' },
  {
    table: 'email_attachments',
    scope: parent('email_id', 'inbound_emails'),
    personal: ['filename'],
    neutral: ['content_type', 'sha256', 'content_id'],
    atContractEnd: 'delete',
  },
  { table: 'inbound_email_raw', scope: parent('email_id', 'inbound_emails'), personal: [], neutral: [], atContractEnd: 'delete' },
  { table: 'email_message_ids', scope: agency(), personal: ['message_id'], neutral: ['agency_code'], atContractEnd: 'delete' },
  {
    table: 'email_outbox',
    scope: agency(),
    personal: ['to_address', 'subject', 'text_body', 'in_reply_to', 'references'],
    neutral: ['kind', 'agency_code', 'ticket_ref', 'from_address', 'message_id', 'status', 'last_error'],
    atContractEnd: 'delete',
  },
  {
    table: 'inbound_emails',
    scope: agency(),
    personal: [
      'raw_sha256',
      'message_id',
      'in_reply_to',
      'references',
      'from_address',
      'from_name',
      'subject',
      'text_body',
      'pec',
      'quarantine_reason',
      'last_error',
    ],
    neutral: ['provider', 'envelope_to', 'status', 'kind', 'agency_code', 'portfolio_id', 'recipient', 'flags', 'category', 'ticket_ref', 'resolved_by'],
    atContractEnd: 'delete',
  },
  // Tenant registry
  { table: 'tenant_phones', scope: agency(), personal: ['e164'], neutral: ['agency_code'], atContractEnd: 'delete' },
  {
    table: 'tenants',
    scope: agency(),
    personal: ['code', 'name', 'email', 'address', 'municipality', 'building', 'stair', 'floor', 'flat'],
    neutral: ['agency_code', 'portfolio_id'],
    atContractEnd: 'delete',
  },
  // The agency's own people and machines (its employees are personal data too, of the agency as controller)
  {
    table: 'sessions',
    scope: parent('user_id', 'users'),
    personal: ['ip', 'user_agent'],
    neutral: ['revoked_reason'],
    secret: ['token_hash'],
    atContractEnd: 'delete',
  },
  {
    table: 'users',
    scope: agency(),
    personal: ['username', 'display_name'],
    neutral: ['role', 'agency_code'],
    secret: ['password_hash'],
    atContractEnd: 'delete',
  },
  { table: 'api_tokens', scope: agency(), personal: [], neutral: ['agency_code', 'name', 'prefix'], secret: ['token_hash'], atContractEnd: 'delete' },
  { table: 'user_agencies', scope: agency(), personal: [], neutral: ['agency_code'], atContractEnd: 'delete' },
  // Configuration
  { table: 'operator_queues', scope: parent('queue_name', 'queues', 'name'), personal: [], neutral: ['queue_name'], atContractEnd: 'delete' },
  { table: 'call_outcome_codes', scope: agency(), personal: [], neutral: ['agency_code', 'code', 'label'], atContractEnd: 'delete' },
  { table: 'queues', scope: agency(), personal: [], neutral: ['name', 'agency_code', 'category', 'label'], atContractEnd: 'delete' },
  {
    table: 'agency_categories',
    scope: agency(),
    personal: [],
    neutral: ['agency_code', 'code', 'label', 'menu_phrase', 'keywords'],
    atContractEnd: 'delete',
  },
  { table: 'phone_numbers', scope: agency(), personal: [], neutral: ['e164', 'agency_code', 'portfolio_id', 'kind', 'label'], atContractEnd: 'delete' },
  { table: 'email_addresses', scope: agency(), personal: [], neutral: ['address', 'agency_code', 'portfolio_id'], atContractEnd: 'delete' },
  { table: 'opening_hours', scope: agency(), personal: [], neutral: ['agency_code', 'opens', 'closes'], atContractEnd: 'delete' },
  { table: 'schedule_exceptions', scope: agency(), personal: [], neutral: ['agency_code', 'opens', 'closes', 'note'], atContractEnd: 'delete' },
  { table: 'holiday_choices', scope: agency(), personal: [], neutral: ['agency_code', 'holiday_key', 'mode', 'ranges'], atContractEnd: 'delete' },
  { table: 'portfolios', scope: agency(), personal: [], neutral: ['id', 'agency_code', 'name'], atContractEnd: 'delete' },
  {
    table: 'voice_settings',
    scope: agency(),
    personal: [],
    neutral: [
      'id',
      'agency_code',
      'portfolio_id',
      'greeting',
      'menu_intro',
      'closed_message',
      'emergency_number',
      'neutral_greeting',
      'ask_rating',
      'offer_callbacks',
      'email_acknowledgements',
    ],
    atContractEnd: 'delete',
  },
  { table: 'canned_answers', scope: agency(), personal: [], neutral: ['agency_code', 'position', 'title', 'body', 'updated_by'], atContractEnd: 'delete' },
  { table: 'cluster_event_overflow', scope: { kind: 'json', column: 'body', key: 'agency' }, personal: ['body'], neutral: [], atContractEnd: 'delete' },
  // Kept after the contract
  {
    table: 'statements',
    scope: agency(),
    personal: [],
    neutral: ['agency_code', 'period', 'number', 'issued_by_id', 'issued_by_name', 'parameters', 'body'],
    atContractEnd: { keep: 'prospetti trimestrali fatturati: documenti contabili da conservare 10 anni (art. 2220 c.c.); solo dati aggregati' },
  },
  {
    table: 'agency_contracts',
    scope: agency(),
    personal: [],
    // Who recorded a version is a member of the call-center staff, like a statement's issuer.
    neutral: ['agency_code', 'currency', 'billing', 'portfolio_id', 'recorded_by_id', 'recorded_by_name'],
    atContractEnd: { keep: 'condizioni contrattuali a cui i prospetti fatturati rimandano (art. 2220 c.c.)' },
  },
  {
    table: 'access_log',
    scope: agency(),
    personal: ['actor_name'],
    neutral: ['actor_kind', 'actor_id', 'actor_role', 'agency_code', 'resource', 'resource_id', 'action', 'fields', 'request_id'],
    atContractEnd: {
      keep: 'registro degli accessi del responsabile del trattamento (art. 28 e 30 GDPR): conservato per i mesi concordati, senza dati degli inquilini',
    },
  },
  {
    table: 'audit_trail',
    scope: agency(),
    personal: ['actor_name', 'before', 'after'],
    neutral: ['actor_kind', 'actor_id', 'action', 'target_kind', 'target_id', 'agency_code'],
    atContractEnd: {
      keep: 'registro delle modifiche di configurazione del responsabile del trattamento (accountability, art. 5.2 GDPR); nessun dato degli inquilini',
    },
  },
  {
    table: 'privacy_settings',
    scope: agency(),
    personal: [],
    neutral: ['agency_code', 'updated_by'],
    atContractEnd: { keep: 'durata di conservazione del registro degli accessi' },
  },
  {
    table: 'privacy_receipts',
    scope: agency(),
    personal: [],
    neutral: ['kind', 'agency_code', 'status', 'actor_kind', 'actor_id', 'actor_name', 'actor_role', 'subject', 'counts', 'sha256', 'details', 'request_id'],
    atContractEnd: { keep: 'ricevute di esportazione, cancellazione e conservazione (prova degli adempimenti, art. 5.2 GDPR); identificativi solo mascherati' },
  },
  {
    table: 'agencies',
    scope: agency('code'),
    personal: [],
    neutral: ['code', 'name', 'timezone', 'emergency_number', 'ticket_prefix', 'comuni', 'holiday_mode'],
    atContractEnd: { keep: "anagrafica del cliente a cui prospetti e ricevute rimandano; l'agenzia resta senza numeri, indirizzi, utenti né dati" },
  },
  // Not any agency's data
  {
    table: 'operator_legs',
    scope: none("operators' softphone legs: call-center staff"),
    personal: ['identity'],
    neutral: ['call_sid', 'queue_name'],
    atContractEnd: 'delete',
  },
  {
    table: 'operator_presence',
    scope: none('call-center staff presence'),
    personal: [],
    neutral: ['presence', 'location', 'call_sid'],
    atContractEnd: 'delete',
  },
  {
    table: 'operator_presence_events',
    scope: none('call-center staff presence history'),
    personal: [],
    neutral: ['presence', 'location', 'call_sid'],
    atContractEnd: 'delete',
  },
  {
    table: 'login_throttle',
    scope: none('failed-login counters per account and address, short-lived'),
    personal: ['key'],
    neutral: [],
    atContractEnd: 'delete',
  },
  {
    table: 'security_events',
    scope: none("the platform's security log (route patterns, never query strings)"),
    personal: ['username', 'ip'],
    neutral: ['kind', 'actor_id', 'method', 'path', 'detail'],
    atContractEnd: 'delete',
  },
  { table: 'email_webhook_nonces', scope: none("providers' replay tokens"), personal: [], neutral: ['provider', 'token'], atContractEnd: 'delete' },
  {
    table: 'email_loose_blobs',
    scope: none('e-mail bytes being written or waiting for the sweep: identifiers and a state only'),
    personal: [],
    neutral: ['state'],
    atContractEnd: 'delete',
  },
];

/** The rule of a table, or undefined when the map does not know it (a test fails on that). */
export function ruleOf(table: string): TableRule | undefined {
  return PRIVACY_DATA_MAP.find((rule) => rule.table === table);
}

/** Tables whose rows belong to an agency, directly or through a parent: what an agency export contains. */
export function agencyTables(): readonly TableRule[] {
  return PRIVACY_DATA_MAP.filter((rule) => rule.scope.kind !== 'none');
}

/** Tables emptied of the agency's rows at the end of its contract, children first. */
export function tablesDeletedAtContractEnd(): readonly TableRule[] {
  return agencyTables().filter((rule) => rule.atContractEnd === 'delete');
}

/** Tables kept at the end of the contract, with the reason printed on the receipt. */
export function tablesKeptAtContractEnd(): readonly (TableRule & { reason: string })[] {
  return agencyTables().flatMap((rule) => (rule.atContractEnd === 'delete' ? [] : [{ ...rule, reason: rule.atContractEnd.keep }]));
}

/**
 * Twilio parameters that say nothing about the caller: what a call's events keep once its
 * personal data is gone (the caller's number, city, name and the like are dropped).
 */
export const CALL_PAYLOAD_KEPT_KEYS: readonly string[] = [
  'AccountSid',
  'ApiVersion',
  'CallSid',
  'CallStatus',
  'Direction',
  'To',
  'Called',
  'ToCountry',
  'CalledCountry',
  'Digits',
  'QueueResult',
  'QueueTime',
  'QueueSid',
  'QueuePosition',
  'AvgQueueTime',
  'CurrentQueueSize',
  'DequeingCallSid',
  'DequeueResult',
  'CallDuration',
  'Duration',
  'SequenceNumber',
  'Timestamp',
  'CallbackSource',
];

/** Keys of a ticket event's data that can carry a person's details (an appended e-mail's sender, …). */
export const TICKET_EVENT_PERSONAL_KEYS: readonly string[] = ['caller', 'phone', 'email', 'name', 'dwelling', 'description', 'subject', 'text', 'address'];
