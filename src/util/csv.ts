/**
 * Writing CSV, the one way every export does it: RFC 4180 quoting (a cell holding the delimiter, a
 * quote or a line break is quoted, quotes doubled), and no cell a spreadsheet would run as a formula.
 * Lines end with CRLF (CSV_LINE_END); the caller picks the delimiter: `,` for machines, `;` where
 * Italian Excel reads the file (the comma is its decimal separator).
 */

export type CsvDelimiter = ',' | ';';

export const CSV_LINE_END = '\r\n';

const NEEDS_QUOTES: Readonly<Record<CsvDelimiter, RegExp>> = { ',': /[",\r\n]/, ';': /[";\r\n]/ };

// A leading = + - @ (or a tab or CR before one) makes a spreadsheet evaluate the cell (CSV injection).
const FORMULA_START = /^[=+\-@\t\r]/;

/** One text cell, made safe and quoted when it must be. */
export function csvCell(text: string, delimiter: CsvDelimiter): string {
  const safe = FORMULA_START.test(text) ? `'${text}` : text;
  return NEEDS_QUOTES[delimiter].test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

/** One line of text cells, without its line end. */
export function csvRow(cells: readonly string[], delimiter: CsvDelimiter): string {
  return cells.map((cell) => csvCell(cell, delimiter)).join(delimiter);
}
