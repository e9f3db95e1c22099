import type { PublicAccessEntry } from './access-log-service.ts';

const COLUMNS = ['at', 'agency', 'actor_kind', 'actor_id', 'actor_name', 'actor_role', 'resource', 'resource_id', 'action', 'fields', 'count'] as const;

/** RFC 4180 CSV; cells that a spreadsheet would run as a formula are prefixed with a quote. */
export const ACCESS_LOG_CSV_HEADER = `${COLUMNS.join(',')}\r\n`;

/** The CSV lines of some entries, each ending with CRLF: pages of an export are written one after another. */
export function accessLogCsvLines(entries: readonly PublicAccessEntry[]): string {
  let text = '';
  for (const entry of entries) {
    text += `${[
      entry.at,
      entry.agency,
      entry.actor.kind,
      entry.actor.id,
      entry.actor.name,
      entry.actor.role,
      entry.resource,
      entry.resourceId ?? '',
      entry.action,
      entry.fields.join(' '),
      entry.count ?? '',
    ]
      .map((value) => csvCell(String(value)))
      .join(',')}\r\n`;
  }
  return text;
}

function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}
