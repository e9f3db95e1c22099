import type { PublicAccessEntry } from './access-log-service.ts';

const COLUMNS = ['at', 'agency', 'actor_kind', 'actor_id', 'actor_name', 'actor_role', 'resource', 'resource_id', 'action', 'fields', 'count'] as const;

/** RFC 4180 CSV; cells that a spreadsheet would run as a formula are prefixed with a quote. */
export function accessLogCsv(entries: readonly PublicAccessEntry[]): string {
  const lines = [COLUMNS.join(',')];
  for (const entry of entries) {
    lines.push(
      [
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
        .join(','),
    );
  }
  return `${lines.join('\r\n')}\r\n`;
}

function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}
