import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { inboundEmails } from '../../src/db/schema/index.ts';
import { loadRaw } from '../../src/modules/email/email-repo.ts';
import { postRawEmail, EMAIL_CORPUS } from '../helpers/email-requests.ts';
import type { TestApp } from '../helpers/test-app.ts';
import { createTestApp } from '../helpers/test-app.ts';

const ADDRESSES = ['segnalazioni@aler-milano.example', 'callcenter@aler-pavia-lodi.example', 'patrimonio-comunale@aler-pavia-lodi.example'];

/** Every message of the corpus: its licence files and README are not mail. */
function messagesUnder(directory: string): string[] {
  return readdirSync(directory)
    .sort()
    .filter((name) => name !== 'LICENSE' && name !== 'README.md')
    .flatMap((name) => {
      const full = path.join(directory, name);
      return statSync(full).isDirectory() ? messagesUnder(full) : [full];
    });
}

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ now: '2026-11-23T10:00:00+01:00' });
});
afterAll(async () => {
  await t.close();
});

// 108 messages one after another: far more than one request's budget on a busy machine.
it('answers 202 to every message of the real-world corpus, posted to an agency, and loses none', { timeout: 300_000 }, async () => {
  const files = messagesUnder(EMAIL_CORPUS);
  expect(files.length).toBeGreaterThanOrEqual(108);
  const outcomes = new Map<string, number>();
  for (const [index, file] of files.entries()) {
    const raw = readFileSync(file);
    const response = await postRawEmail(t.app, raw, { envelopeTo: ADDRESSES[index % ADDRESSES.length] });
    const name = path.relative(EMAIL_CORPUS, file);
    expect(response.statusCode, `${name}: ${response.body}`).toBe(202);
    const answer = response.json() as { id: string; status: string; ticket: string | null };
    expect(['ticket', 'appended', 'duplicate', 'quarantined'], name).toContain(answer.status);
    outcomes.set(answer.status, (outcomes.get(answer.status) ?? 0) + 1);

    const [row] = await t.database.db.select().from(inboundEmails).where(eq(inboundEmails.id, answer.id));
    const stored = await loadRaw(t.database.db, answer.id);
    // Never lost: the bytes are stored as received (a duplicate answers with the first copy, same bytes or same Message-ID).
    expect(row.status, name).not.toBe('pending');
    if (answer.status !== 'duplicate') expect(stored?.equals(raw), name).toBe(true);
    if (answer.status === 'ticket' || answer.status === 'appended') expect(answer.ticket, name).toMatch(/^(MI|PV)-2026-\d{6}$/);
    if (name.startsWith('pec/') && name !== 'pec/posta-certificata.eml' && name.endsWith('.eml')) {
      expect(row.kind, name).toBe('pec_receipt');
      expect(answer.status, name).not.toBe('ticket');
    }
    if (name === 'pec/posta-certificata.eml') expect(row.kind).toBe('pec');
  }
  // Most of the corpus is ordinary mail: it must mostly become tickets, not pile up in quarantine.
  expect(outcomes.get('ticket') ?? 0).toBeGreaterThan(50);
});
