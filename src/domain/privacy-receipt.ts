import { DateTime } from 'luxon';

export type ReceiptKind = 'subject_export' | 'subject_erasure' | 'agency_export' | 'agency_deletion' | 'retention' | 'settings';

/** A privacy receipt as the service shows it, and as the printable text is made from. */
export type PrivacyReceipt = Readonly<{
  id: string;
  kind: ReceiptKind;
  agency: string;
  status: 'started' | 'completed' | 'failed';
  requestedAt: string;
  completedAt: string | null;
  actor: Readonly<{ kind: string; id: string; name: string; role: string }>;
  subject: Readonly<Record<string, readonly string[]>> | null;
  counts: Readonly<Record<string, number>> | null;
  sha256: string | null;
  byteSize: number | null;
  details: Readonly<Record<string, unknown>> | null;
}>;

/** Italian names of the tables, as a receipt shows them to the controller. */
export const TABLE_LABELS_IT: Readonly<Record<string, string>> = {
  calls: 'chiamate',
  call_events: 'eventi delle chiamate',
  call_rollup_hourly: 'riepiloghi orari delle chiamate',
  call_rollup_watermarks: 'stato dei riepiloghi',
  callbacks: 'richiamate',
  callback_attempts: 'tentativi di richiamata',
  deliveries: 'inoltri agli uffici',
  delivery_attempts: 'tentativi di inoltro',
  delivery_targets: 'destinazioni degli inoltri',
  tickets: 'segnalazioni',
  ticket_events: 'storia delle segnalazioni',
  ticket_calls: 'chiamate collegate alle segnalazioni',
  ticket_counters: 'numeratori delle segnalazioni',
  inbound_emails: 'e-mail ricevute',
  inbound_email_raw: 'e-mail ricevute (messaggi originali)',
  email_attachments: 'allegati delle e-mail',
  email_blob_chunks: 'contenuto dei messaggi originali e degli allegati',
  email_message_ids: 'identificativi dei messaggi',
  email_outbox: 'risposte automatiche',
  tenants: 'anagrafe inquilini',
  tenant_phones: 'telefoni degli inquilini',
  users: "utenti dell'agenzia",
  sessions: 'sessioni di accesso',
  api_tokens: 'token API',
  user_agencies: "assegnazioni del personale all'agenzia",
  operator_queues: 'assegnazioni degli operatori alle code',
  queues: 'code',
  phone_numbers: 'numeri di telefono',
  email_addresses: 'indirizzi e-mail',
  opening_hours: 'orari di apertura',
  schedule_exceptions: 'chiusure e orari straordinari',
  portfolios: 'patrimoni gestiti',
  cluster_event_overflow: 'eventi in transito tra i nodi',
  statements: 'prospetti trimestrali',
  agency_contracts: 'contratto',
  access_log: 'registro degli accessi',
  privacy_settings: 'impostazioni di conservazione',
  privacy_receipts: 'ricevute privacy',
  agencies: 'anagrafica agenzia',
};

const TITLES: Readonly<Record<ReceiptKind, string>> = {
  subject_export: 'RICEVUTA DI ESPORTAZIONE DEI DATI DI UN INTERESSATO (artt. 15 e 20 GDPR)',
  subject_erasure: 'RICEVUTA DI CANCELLAZIONE DEI DATI DI UN INTERESSATO (art. 17 GDPR)',
  agency_export: "RICEVUTA DI ESPORTAZIONE COMPLETA DEI DATI DELL'AGENZIA (art. 28.3.g GDPR)",
  agency_deletion: 'RICEVUTA DI CANCELLAZIONE DEI DATI AL TERMINE DEL CONTRATTO (art. 28.3.g GDPR)',
  retention: 'REGISTRO DI APPLICAZIONE DEI TEMPI DI CONSERVAZIONE (art. 5.1.e GDPR)',
  settings: 'MODIFICA DEI TEMPI DI CONSERVAZIONE',
};

const ROLE_IT: Readonly<Record<string, string>> = { admin: 'amministratore', supervisor: 'supervisore', operator: 'operatore', agency: 'agenzia' };
const STATUS_IT: Readonly<Record<string, string>> = { started: 'in corso', completed: 'completata', failed: 'non completata' };
const SUBJECT_IT: Readonly<Record<string, string>> = { phones: 'telefono', emails: 'e-mail', tenantCodes: 'codice inquilino' };

const number = (value: number) => value.toLocaleString('it-IT');

function when(iso: string | null, timezone: string): string {
  if (!iso) return '—';
  return DateTime.fromISO(iso, { zone: timezone }).setLocale('it').toFormat("d LLLL yyyy 'alle' HH:mm:ss (ZZZZ)");
}

function countLines(counts: Readonly<Record<string, number>>): string[] {
  const entries = Object.entries(counts).filter(([, n]) => n > 0);
  if (entries.length === 0) return ['  nessuna riga'];
  const labelled = entries.map(([table, n]) => [`${TABLE_LABELS_IT[table] ?? table} (${table})`, number(n)] as const);
  const width = Math.max(...labelled.map(([label]) => label.length)) + 2;
  const total = entries.reduce((sum, [, n]) => sum + n, 0);
  return [
    ...labelled.map(([label, n]) => `  ${label.padEnd(width, '.')} ${n.padStart(9)}`),
    `  ${'Totale righe'.padEnd(width, ' ')} ${number(total).padStart(9)}`,
  ];
}

/**
 * The printable receipt, in Italian: what was done for which agency, when, by whom, on what
 * (counts per table), what was kept and why, and the SHA-256 that ties a deletion to the export
 * handed back. Times are on the agency's wall clock.
 */
export function receiptText(receipt: PrivacyReceipt, agency: { name: string; timezone: string }): string {
  const details = receipt.details ?? {};
  const lines: string[] = [
    TITLES[receipt.kind],
    '',
    `Ricevuta n. ${receipt.id}`,
    `Titolare del trattamento: ${agency.name} (${receipt.agency})`,
    'Responsabile del trattamento: il call center Centralino',
    `Richiesta: ${when(receipt.requestedAt, agency.timezone)}`,
    `Esito: ${STATUS_IT[receipt.status] ?? receipt.status}${receipt.completedAt ? `, ${when(receipt.completedAt, agency.timezone)}` : ''}`,
    `Eseguita da: ${receipt.actor.name} (${ROLE_IT[receipt.actor.role] ?? receipt.actor.role}${receipt.actor.kind === 'token' ? ', token API' : ''}${receipt.actor.kind === 'system' ? ', procedura automatica' : ''})`,
  ];
  if (receipt.subject && Object.keys(receipt.subject).length > 0) {
    lines.push('', 'Interessato (identificativi mascherati):');
    for (const [key, values] of Object.entries(receipt.subject)) lines.push(`  ${SUBJECT_IT[key] ?? key}: ${values.join(', ')}`);
  }
  if (receipt.kind === 'retention') {
    lines.push(
      '',
      `Dati personali anonimizzati per i contatti anteriori al ${when(String(details.cutoff ?? ''), agency.timezone)} (${String(details.personalDataMonths ?? '?')} mesi).`,
    );
    if (details.accessLogCutoff)
      lines.push(
        `Registro degli accessi: eliminate le voci anteriori al ${when(String(details.accessLogCutoff), agency.timezone)} (${String(details.accessLogMonths ?? '?')} mesi).`,
      );
  }
  if (receipt.kind === 'settings') {
    lines.push(
      '',
      `Dati personali dei contatti conservati per ${String(details.personalDataMonths)} mesi; registro degli accessi per ${String(details.accessLogMonths)} mesi.`,
    );
  }
  if (receipt.counts) {
    const verb = {
      subject_export: 'esportate',
      agency_export: 'esportate',
      subject_erasure: 'anonimizzate o cancellate',
      agency_deletion: 'cancellate',
      retention: 'anonimizzate o cancellate',
      settings: '',
    }[receipt.kind];
    lines.push('', `Righe ${verb}, per tabella:`, ...countLines(receipt.counts));
  }
  if (receipt.kind === 'agency_export' && receipt.sha256) {
    lines.push(
      '',
      `Esportazione: ${number(receipt.byteSize ?? 0)} byte, formato JSON Lines (una riga per record).`,
      `SHA-256 dell'esportazione: ${receipt.sha256}`,
    );
  }
  if (receipt.kind === 'agency_deletion') {
    lines.push(
      '',
      `Esportazione consegnata prima della cancellazione: ricevuta n. ${String(details.exportReceiptId ?? '—')} del ${when(details.exportedAt ? String(details.exportedAt) : null, agency.timezone)}, ${number(receipt.byteSize ?? 0)} byte.`,
      `SHA-256 dell'esportazione consegnata: ${receipt.sha256 ?? '—'}`,
    );
    const kept = (details.kept ?? []) as { table: string; rows: number; reason: string }[];
    if (kept.length > 0) {
      lines.push('', 'Dati conservati e motivo:');
      for (const item of kept) lines.push(`  ${TABLE_LABELS_IT[item.table] ?? item.table} (${item.table}): ${number(item.rows)} righe — ${item.reason}`);
    }
  }
  if (receipt.kind === 'subject_erasure') {
    lines.push(
      '',
      'Delle chiamate, segnalazioni ed e-mail restano solo i fatti senza dati personali (date, esito, coda, attese, categoria, stato),',
      'perché i totali dei report e i prospetti trimestrali già emessi non cambino. Le e-mail originali e gli allegati sono cancellati,',
      "le voci dell'anagrafe inquilini eliminate. Il registro degli accessi del responsabile resta: non contiene dati dell'interessato",
      'oltre agli identificativi dei record consultati.',
    );
  }
  if (receipt.kind === 'subject_export' || receipt.kind === 'subject_erasure') {
    if (receipt.sha256) lines.push('', `SHA-256 del documento consegnato: ${receipt.sha256}`);
  }
  lines.push('', 'Questa ricevuta è conservata dal responsabile del trattamento anche dopo la cancellazione dei dati a cui si riferisce.');
  return `${lines.join('\n')}\n`;
}
