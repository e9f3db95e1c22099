import { describe, expect, it } from 'vitest';
import { csvCell, csvRow } from '../../src/util/csv.ts';

describe('CSV cells', () => {
  it('quote the delimiter in use, quotes and line breaks, and nothing else', () => {
    expect(csvCell('Rossi, Mario', ',')).toBe('"Rossi, Mario"');
    expect(csvCell('Rossi, Mario', ';')).toBe('Rossi, Mario');
    expect(csvCell('a;b', ';')).toBe('"a;b"');
    expect(csvCell('detto "il capo"', ',')).toBe('"detto ""il capo"""');
    expect(csvCell('riga\r\nseconda', ';')).toBe('"riga\r\nseconda"');
    expect(csvCell('Manutenzione', ',')).toBe('Manutenzione');
  });

  it('never start with what a spreadsheet would run as a formula', () => {
    expect(csvCell('=HYPERLINK("http://x")', ',')).toBe(`"'=HYPERLINK(""http://x"")"`);
    expect(csvCell('+39 02 1234', ';')).toBe("'+39 02 1234");
    expect(csvCell('-1', ',')).toBe("'-1");
    expect(csvCell('@SUM(A1)', ',')).toBe("'@SUM(A1)");
  });

  it('join a row with the delimiter', () => {
    expect(csvRow(['a', 'b,c', ''], ',')).toBe('a,"b,c",');
  });
});
