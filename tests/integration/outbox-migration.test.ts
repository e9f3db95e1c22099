import { randomUUID } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { fixedClock } from '../../src/domain/clock.ts';
import { emailOutbox } from '../../src/db/schema/index.ts';
import { ACK_KIND, createAckHandler } from '../../src/modules/email/ack-handler.ts';
import type { OutgoingMail } from '../../src/modules/outbox/mail-sender.ts';
import { createOutboxRunner } from '../../src/modules/outbox/outbox-runner.ts';
import { createEmptyDatabase } from '../helpers/empty-database.ts';
import { migrationsAround, rowsOf, runMigrationFiles } from '../helpers/migration-steps.ts';

/**
 * Acknowledgements written before the one outbox (statuses queued, sent, failed; a `sent_at`; no
 * lease) are carried over, on PGlite or, with DATABASE_URL, on native Postgres: a production
 * database has them, and a queued one must still leave, once.
 */
it('carries the acknowledgements queued, sent and failed before it into the one outbox shape', async () => {
  const database = await createEmptyDatabase({ migrate: false });
  try {
    const { before, from } = migrationsAround('0014_');
    await runMigrationFiles(database.db, before);
    await database.db.execute(sql`insert into agencies (code, name, ticket_prefix) values ('aler-milano', 'ALER Milano', 'MI')`);
    const written = new Date('2026-11-20T09:00:00Z');
    const sentAt = new Date('2026-11-20T09:00:05Z');
    const ack = (status: string, attempts: number, extra: { sentAt?: Date; lastError?: string } = {}) => {
      const id = randomUUID();
      return {
        id,
        insert: sql`insert into email_outbox (id, kind, agency_code, ticket_ref, from_address, to_address, subject, text_body, message_id, "references", status, attempts, created_at, sent_at, last_error)
                    values (${id}, 'auto_ack', 'aler-milano', 'MI-2026-000001', 'segnalazioni@aler-milano.example', ${`${status}@example.it`}, '[MI-2026-000001] Segnalazione ricevuta',
                            'Gentile inquilino, …', ${`ack.${id}@aler-milano.example`}, '[]'::jsonb, ${status}, ${attempts}, ${written.toISOString()}::timestamptz, ${extra.sentAt?.toISOString() ?? null}::timestamptz, ${extra.lastError ?? null})`,
      };
    };
    const queued = ack('queued', 2, { lastError: '421 try again later' });
    const sent = ack('sent', 1, { sentAt });
    const failed = ack('failed', 5, { lastError: '550 no such user' });
    for (const row of [queued, sent, failed]) await database.db.execute(row.insert);

    await runMigrationFiles(database.db, from);

    type Moved = {
      id: string;
      status: string;
      attempts: number;
      next_attempt_at: string | Date;
      updated_at: string | Date;
      delivered_at: string | Date | null;
      last_error: string | null;
    };
    const moved = await rowsOf<Moved>(database.db, sql`select id, status, attempts, next_attempt_at, updated_at, delivered_at, last_error from email_outbox`);
    const byId = new Map(moved.map((row) => [row.id, row]));
    const at = (value: string | Date | null) => (value === null ? null : new Date(value).toISOString());
    expect(byId.get(queued.id)).toMatchObject({ status: 'pending', attempts: 2, last_error: '421 try again later' });
    expect(at(byId.get(queued.id)!.next_attempt_at)).toBe(written.toISOString());
    expect(byId.get(sent.id)).toMatchObject({ status: 'delivered', attempts: 1 });
    expect(at(byId.get(sent.id)!.delivered_at)).toBe(sentAt.toISOString());
    expect(at(byId.get(sent.id)!.updated_at)).toBe(sentAt.toISOString());
    expect(byId.get(failed.id)).toMatchObject({ status: 'dead', attempts: 5, last_error: '550 no such user' });

    // The runner sends the one that was waiting, once, and leaves the others alone.
    const sentMail: OutgoingMail[] = [];
    const runner = createOutboxRunner({ db: database.db, clock: fixedClock('2026-11-23T10:00:00+01:00') });
    runner.register(createAckHandler(async (message) => void sentMail.push(message)));
    expect(await runner.runDue([ACK_KIND])).toMatchObject({ claimed: 1, delivered: 1 });
    expect(await runner.runDue([ACK_KIND])).toMatchObject({ claimed: 0 });
    expect(sentMail.map((message) => message.to)).toEqual(['queued@example.it']);
    const [after] = await database.db.select().from(emailOutbox).where(eq(emailOutbox.id, queued.id));
    expect(after).toMatchObject({ status: 'delivered', attempts: 3, lastError: null, leaseToken: null });
  } finally {
    await database.close();
  }
  // Fifteen migrations on a fresh database; no timing is asserted.
}, 180_000);
