import { describe, expect, it } from 'vitest';
import type { PrivacyReceipt } from '../../src/domain/privacy-receipt.ts';
import { receiptText } from '../../src/domain/privacy-receipt.ts';

const deletion: PrivacyReceipt = {
  id: '6f1c1d3e-4a7b-4c55-9d0e-3b1f2a9c8e77',
  kind: 'agency_deletion',
  agency: 'aler-pavia-lodi',
  status: 'completed',
  requestedAt: '2028-05-03T08:00:00.000Z',
  completedAt: '2028-05-03T08:00:02.000Z',
  actor: { kind: 'user', id: 'u1', name: 'admin', role: 'admin' },
  subject: null,
  counts: { calls: 12345, tickets: 310, tenants: 0, users: 2 },
  sha256: 'ab'.repeat(32),
  byteSize: 1_234_567,
  details: {
    exportReceiptId: 'e1',
    exportedAt: '2028-05-02T15:30:00.000Z',
    kept: [{ table: 'statements', rows: 12, reason: 'documenti contabili (art. 2220 c.c.)' }],
  },
};

describe('the printable receipt', () => {
  const text = receiptText(deletion, { name: 'ALER Pavia-Lodi', timezone: 'Europe/Rome' });

  it('says what was done, for whom, when (on the agency’s clock) and by whom, in Italian', () => {
    expect(text).toContain('RICEVUTA DI CANCELLAZIONE DEI DATI AL TERMINE DEL CONTRATTO');
    expect(text).toContain('Titolare del trattamento: ALER Pavia-Lodi (aler-pavia-lodi)');
    expect(text).toContain('3 maggio 2028 alle 10:00:00');
    expect(text).toContain('Eseguita da: admin (amministratore)');
  });

  it('lists the rows deleted per table with Italian names and a total, leaving out empty tables', () => {
    expect(text).toMatch(/chiamate \(calls\)\.+\s+12\.345/);
    expect(text).toMatch(/segnalazioni \(tickets\)\.+\s+310/);
    expect(text).not.toContain('(tenants)');
    expect(text).toMatch(/Totale righe\s+12\.657/);
  });

  it('ties the deletion to the export handed back, and says what was kept and why', () => {
    expect(text).toContain(`SHA-256 dell'esportazione consegnata: ${'ab'.repeat(32)}`);
    expect(text).toContain('2 maggio 2028 alle 17:30:00');
    expect(text).toContain('prospetti trimestrali (statements): 12 righe — documenti contabili (art. 2220 c.c.)');
  });

  it('shows a data subject only through masked identifiers', () => {
    const erasure = receiptText(
      { ...deletion, kind: 'subject_erasure', subject: { phones: ['+39 347 ••• ••67'] }, details: null },
      { name: 'ALER Pavia-Lodi', timezone: 'Europe/Rome' },
    );
    expect(erasure).toContain('RICEVUTA DI CANCELLAZIONE DEI DATI DI UN INTERESSATO (art. 17 GDPR)');
    expect(erasure).toContain('telefono: +39 347 ••• ••67');
  });
});
