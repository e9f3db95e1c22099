import { randomUUID } from 'node:crypto';
import { eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACK_RETRY, jitterOf, retryDelaySeconds } from '../../src/domain/retry-policy.ts';
import { deliveries, emailOutbox } from '../../src/db/schema/index.ts';
import { ACK_KIND, createAckHandler } from '../../src/modules/email/ack-handler.ts';
import { insertOutbox } from '../../src/modules/email/email-repo.ts';
import type { MailSender, OutgoingMail } from '../../src/modules/outbox/mail-sender.ts';
import type { OutboxHandler } from '../../src/modules/outbox/outbox-runner.ts';
import { createOutboxRunner } from '../../src/modules/outbox/outbox-runner.ts';
import type { TestApp } from '../helpers/test-app.ts';
import { createTestApp } from '../helpers/test-app.ts';

/**
 * The one outbox runner: each kind has one handler, registered once; the runner claims due rows
 * under a lease, hands each to its kind's handler and applies the kind's retry data with the one
 * rule. Acknowledgements are the kind used here (deliveries have their own tests in
 * delivery-outbox.test.ts, through the same runner).
 */
let t: TestApp;
beforeAll(async () => {
  // The app's own poll is off: every pass here is one the test runs.
  t = await createTestApp({ now: '2026-11-23T10:00:00+01:00', config: { DELIVERY_POLL_MS: '0' } });
});
afterAll(async () => {
  await t?.close();
});

const db = () => t.database.db;

async function queueAck(to: string) {
  const row = await insertOutbox(db(), {
    kind: ACK_KIND,
    agencyCode: 'aler-milano',
    ticketRef: null,
    inboundEmailId: null,
    fromAddress: 'segnalazioni@aler-milano.example',
    toAddress: to,
    subject: '[MI-2026-000001] Segnalazione ricevuta',
    textBody: 'La sua segnalazione è stata registrata.',
    messageId: `ack.${randomUUID()}@aler-milano.example`,
    inReplyTo: null,
    references: [],
    createdAt: t.clock.now(),
  });
  return row!;
}

const ackRow = async (id: string) => (await db().select().from(emailOutbox).where(eq(emailOutbox.id, id)))[0];

function recordingSender(): { send: MailSender; sent: OutgoingMail[] } {
  const sent: OutgoingMail[] = [];
  return { sent, send: async (message) => void sent.push(message) };
}

describe('handlers registered by kind', () => {
  it('runs the handler registered for a kind on that kind’s rows only, once each', async () => {
    const runner = createOutboxRunner({ db: db(), clock: t.clock });
    const mail = recordingSender();
    runner.register(createAckHandler(mail.send));
    const webhookSeen: string[] = [];
    const webhookSpy: OutboxHandler<typeof deliveries> = {
      kind: 'webhook',
      table: deliveries,
      policy: ACK_RETRY,
      attempt: async (row) => {
        webhookSeen.push(row.id);
        return { ok: true };
      },
    };
    runner.register(webhookSpy);
    expect(() => runner.register(createAckHandler(mail.send))).toThrow(/already has a handler for "auto_ack"/);
    expect(runner.kinds().sort()).toEqual([ACK_KIND, 'webhook']);

    const ack = await queueAck('registered.once@example.it');
    expect(await runner.runDue()).toMatchObject({ claimed: 1, delivered: 1 });
    expect(await runner.runDue()).toMatchObject({ claimed: 0 });
    expect(mail.sent.map((message) => message.to)).toEqual(['registered.once@example.it']);
    expect(mail.sent[0]).toMatchObject({
      from: 'segnalazioni@aler-milano.example',
      messageId: `<${ack.messageId}>`,
      headers: { 'Auto-Submitted': 'auto-replied' },
    });
    expect(webhookSeen).toEqual([]);
    expect(await ackRow(ack.id)).toMatchObject({ status: 'delivered', attempts: 1, leaseToken: null, leaseUntil: null, deliveredAt: t.clock.now() });
  });

  it('leaves a kind without a handler where it is: without SMTP the app registers webhooks only', async () => {
    expect(t.app.services.outbox.kinds()).toEqual(['webhook']);
    const ack = await queueAck('no.smtp@example.it');
    t.app.services.outbox.wake(ACK_KIND);
    await t.app.services.outbox.idle();
    expect(await t.app.services.outbox.runDue()).toMatchObject({ claimed: 0 });
    expect(await ackRow(ack.id)).toMatchObject({ status: 'pending', attempts: 0 });
    // Sent once a runner with a mail server takes it (the next test's runners would, too).
    const runner = createOutboxRunner({ db: db(), clock: t.clock });
    runner.register(createAckHandler(recordingSender().send));
    expect(await runner.runDue([ACK_KIND])).toMatchObject({ delivered: 1 });
  });
});

describe('the one retry policy', () => {
  it('retries a refused acknowledgement with the backoff of ACK_RETRY, and gives up after its five attempts', async () => {
    let refusals = 0;
    const runner = createOutboxRunner({ db: db(), clock: t.clock });
    runner.register(
      createAckHandler(async () => {
        refusals += 1;
        throw new Error('451 4.3.0 try again later');
      }),
    );
    const ack = await queueAck('refused@example.it');
    expect(await runner.runDue()).toMatchObject({ claimed: 1, retrying: 1 });
    const afterFirst = await ackRow(ack.id);
    const delayMs = retryDelaySeconds(ACK_RETRY, 1, jitterOf(ack.id)) * 1000;
    expect(afterFirst).toMatchObject({ status: 'pending', attempts: 1, lastError: '451 4.3.0 try again later', leaseToken: null });
    expect(afterFirst.nextAttemptAt.getTime()).toBe(t.clock.now().getTime() + delayMs);

    // Not due before its time.
    t.clock.advance(delayMs - 1000);
    expect(await runner.runDue()).toMatchObject({ claimed: 0 });
    t.clock.advance(1000);
    expect(await runner.runDue()).toMatchObject({ claimed: 1, retrying: 1 });

    const summaries = [];
    for (let pass = 0; pass < 6; pass += 1) {
      t.clock.advance(3_600_000);
      summaries.push(await runner.runDue());
    }
    expect(summaries.map((summary) => [summary.retrying, summary.dead])).toEqual([
      [1, 0],
      [1, 0],
      [0, 1],
      [0, 0],
      [0, 0],
      [0, 0],
    ]);
    expect(refusals).toBe(ACK_RETRY.maxAttempts);
    expect(await ackRow(ack.id)).toMatchObject({ status: 'dead', attempts: 5 });
  });
});

describe('leases', () => {
  it('loses nothing when a node dies mid-send: its lease runs out and another node sends the acknowledgement', async () => {
    let sending!: () => void;
    const sendingStarted = new Promise<void>((resolve) => (sending = resolve));
    const dyingNode = createOutboxRunner({ db: db(), clock: t.clock });
    dyingNode.register(
      createAckHandler(() => {
        sending();
        return new Promise(() => {});
      }),
    );
    const otherNode = createOutboxRunner({ db: db(), clock: t.clock });
    const mail = recordingSender();
    otherNode.register(createAckHandler(mail.send));

    const ack = await queueAck('lease@example.it');
    void dyingNode.runDue();
    await sendingStarted;
    expect(await otherNode.runDue()).toMatchObject({ claimed: 0 });
    t.clock.advance(121_000);
    expect(await otherNode.runDue()).toMatchObject({ claimed: 1, delivered: 1 });
    expect(mail.sent.map((message) => message.to)).toEqual(['lease@example.it']);
    expect(await ackRow(ack.id)).toMatchObject({ status: 'delivered', attempts: 2 });
  });

  it('lets two nodes send side by side without sending an acknowledgement twice', async () => {
    const mail = recordingSender();
    const [first, second] = [0, 1].map(() => createOutboxRunner({ db: db(), clock: t.clock, batchSize: 3 }));
    first.register(createAckHandler(mail.send));
    second.register(createAckHandler(mail.send));
    const acks = await Promise.all([0, 1, 2, 3, 4, 5].map((index) => queueAck(`side.by.side.${index}@example.it`)));
    await Promise.all([first.runDue(), second.runDue()]);
    await Promise.all([first.runDue(), second.runDue()]);
    expect(mail.sent.map((message) => message.to).sort()).toEqual(acks.map((ack) => ack.toAddress).sort());
    const rows = await db()
      .select()
      .from(emailOutbox)
      .where(
        inArray(
          emailOutbox.id,
          acks.map((ack) => ack.id),
        ),
      );
    expect(rows.every((row) => row.status === 'delivered' && row.attempts === 1)).toBe(true);
  });
});

describe('waking', () => {
  it('sends what was just queued at once, batch after batch, without waiting for a poll', async () => {
    const mail = recordingSender();
    const runner = createOutboxRunner({ db: db(), clock: t.clock, batchSize: 2 });
    runner.register(createAckHandler(mail.send));
    const acks = await Promise.all([0, 1, 2, 3, 4].map((index) => queueAck(`woken.${index}@example.it`)));
    runner.wake(ACK_KIND);
    runner.wake('no-such-kind');
    await runner.idle();
    expect(mail.sent.map((message) => message.to).sort()).toEqual(acks.map((ack) => ack.toAddress).sort());
    await runner.stop();
    runner.wake(ACK_KIND);
    await runner.idle();
  });
});
