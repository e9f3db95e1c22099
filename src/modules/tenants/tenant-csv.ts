import type { DwellingData } from '../../domain/dwelling.ts';
import { normalizePhone } from '../../domain/phone.ts';
import type { TenantUpsert } from './tenants-repo.ts';

/**
 * The agencies' registry exports: a header row, `;` (Italian spreadsheets) or `,` as delimiter,
 * RFC 4180 quoting. Column names in English or Italian; several numbers in one cell separated
 * by `|`, `/`, `;` or `,`.
 */
export type TenantCsvRow = Readonly<
  {
    line: number;
    code: string;
    name: string;
    email: string | null;
    portfolio: string | null;
    phones: readonly string[];
  } & Required<DwellingData>
>;

export type RefusedRow = Readonly<{ line: number; code: string | null; reason: string }>;

export type ParsedTenantCsv = Readonly<{ rows: TenantCsvRow[]; refused: RefusedRow[]; error: string | null }>;

const COLUMN_ALIASES: Readonly<Record<string, keyof Omit<TenantCsvRow, 'line' | 'phones'> | 'phones'>> = {
  tenant_code: 'code',
  code: 'code',
  codice: 'code',
  codice_inquilino: 'code',
  name: 'name',
  nome: 'name',
  nominativo: 'name',
  phones: 'phones',
  phone: 'phones',
  telefoni: 'phones',
  telefono: 'phones',
  email: 'email',
  e_mail: 'email',
  portfolio: 'portfolio',
  address: 'address',
  indirizzo: 'address',
  municipality: 'municipality',
  comune: 'municipality',
  building: 'building',
  edificio: 'building',
  fabbricato: 'building',
  stair: 'stair',
  scala: 'stair',
  floor: 'floor',
  piano: 'floor',
  flat: 'flat',
  interno: 'flat',
};

/** Splits CSV text into records of cells, honouring quotes (with "" escapes) and newlines inside them. */
export function parseCsvRecords(text: string, delimiter: string): { cells: string[]; line: number }[] {
  const records: { cells: string[]; line: number }[] = [];
  let cells: string[] = [];
  let cell = '';
  let quoted = false;
  let line = 1;
  let recordLine = 1;
  const source = text.startsWith('\uFEFF') ? text.slice(1) : text;
  for (let index = 0; index < source.length; index += 1) {
    const character = source[index];
    if (quoted) {
      if (character === '"' && source[index + 1] === '"') {
        cell += '"';
        index += 1;
      } else if (character === '"') {
        quoted = false;
      } else {
        if (character === '\n') line += 1;
        cell += character;
      }
    } else if (character === '"' && cell === '') {
      quoted = true;
    } else if (character === delimiter) {
      cells.push(cell);
      cell = '';
    } else if (character === '\n' || character === '\r') {
      if (character === '\r' && source[index + 1] === '\n') index += 1;
      cells.push(cell);
      if (cells.some((value) => value.trim() !== '')) records.push({ cells, line: recordLine });
      cells = [];
      cell = '';
      line += 1;
      recordLine = line;
    } else {
      cell += character;
    }
  }
  cells.push(cell);
  if (cells.some((value) => value.trim() !== '')) records.push({ cells, line: recordLine });
  return records;
}

function detectDelimiter(headerLine: string): string {
  const semicolons = headerLine.split(';').length;
  const commas = headerLine.split(',').length;
  return semicolons > commas ? ';' : ',';
}

const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Parses and checks every row; a row is refused with a reason rather than half-imported. */
export function parseTenantCsv(text: string): ParsedTenantCsv {
  const firstLine = text.replace(/^\uFEFF/, '').split(/\r?\n/, 1)[0] ?? '';
  const records = parseCsvRecords(text, detectDelimiter(firstLine));
  if (records.length === 0) return { rows: [], refused: [], error: 'the file is empty' };
  const header = records[0].cells.map(
    (name) =>
      COLUMN_ALIASES[
        name
          .trim()
          .toLowerCase()
          .replace(/[\s-]+/g, '_')
      ],
  );
  if (!header.includes('code') || !header.includes('name')) {
    return {
      rows: [],
      refused: [],
      error: 'the header must name at least the tenant code (tenant_code / codice_inquilino) and the name (name / nominativo) columns',
    };
  }
  const rows: TenantCsvRow[] = [];
  const refused: RefusedRow[] = [];
  const seen = new Set<string>();
  for (const record of records.slice(1)) {
    const value = (column: string) => {
      const index = header.indexOf(column as never);
      const cell = index >= 0 ? record.cells[index]?.trim() : undefined;
      return cell ? cell : null;
    };
    const code = value('code');
    const name = value('name');
    const refuse = (reason: string) => refused.push({ line: record.line, code, reason });
    if (!code) {
      refuse('missing tenant code');
      continue;
    }
    if (!name) {
      refuse('missing name');
      continue;
    }
    if (seen.has(code)) {
      refuse(`tenant code ${code} appears more than once in the file`);
      continue;
    }
    const rawPhones = (value('phones') ?? '')
      .split(/[|/;,]/)
      .map((phone) => phone.trim())
      .filter(Boolean);
    const invalid = rawPhones.filter((phone) => normalizePhone(phone) === null);
    if (invalid.length > 0) {
      refuse(`invalid phone number ${invalid.map((phone) => `"${phone}"`).join(', ')}`);
      continue;
    }
    const email = value('email');
    if (email && !EMAIL_PATTERN.test(email)) {
      refuse(`invalid e-mail "${email}"`);
      continue;
    }
    seen.add(code);
    rows.push({
      line: record.line,
      code,
      name,
      email,
      portfolio: value('portfolio'),
      address: value('address'),
      municipality: value('municipality'),
      building: value('building'),
      stair: value('stair'),
      floor: value('floor'),
      flat: value('flat'),
      phones: rawPhones.map((phone) => normalizePhone(phone)!),
    });
  }
  return { rows, refused, error: null };
}

/** The registry row a CSV line describes, for `agencyCode`: one mapping for the import and the demo seed. */
export function tenantFromCsvRow(agencyCode: string, row: TenantCsvRow): TenantUpsert {
  return {
    agencyCode,
    code: row.code,
    name: row.name,
    email: row.email,
    portfolioId: row.portfolio,
    address: row.address,
    municipality: row.municipality,
    building: row.building,
    stair: row.stair,
    floor: row.floor,
    flat: row.flat,
    phones: row.phones,
  };
}
