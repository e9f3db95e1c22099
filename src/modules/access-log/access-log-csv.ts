import { CSV_LINE_END, csvRow } from '../../util/csv.ts';
import type { PublicAccessEntry } from './access-log-service.ts';

const COLUMNS = ['at', 'agency', 'actor_kind', 'actor_id', 'actor_name', 'actor_role', 'resource', 'resource_id', 'action', 'fields', 'count'] as const;

/** RFC 4180 CSV (src/util/csv.ts): cells that a spreadsheet would run as a formula are prefixed with a quote. */
export const ACCESS_LOG_CSV_HEADER = `${csvRow(COLUMNS, ',')}${CSV_LINE_END}`;

/** The CSV lines of some entries, each ending with CRLF: pages of an export are written one after another. */
export function accessLogCsvLines(entries: readonly PublicAccessEntry[]): string {
  let text = '';
  for (const entry of entries) {
    const cells = [
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
    ];
    text += `${csvRow(cells.map(String), ',')}${CSV_LINE_END}`;
  }
  return text;
}
