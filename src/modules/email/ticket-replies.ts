import { randomUUID } from 'node:crypto';
import type { Actor } from '../../domain/actor.ts';
import { assertCanSeeAgency, assertRole, isStaff } from '../../domain/actor.ts';
import type { Clock } from '../../domain/clock.ts';
import { conflict, forbidden, validation } from '../../domain/errors.ts';
import type { CannedAnswer } from '../../domain/ticket-reply.ts';
import {
  CANNED_ANSWERS_MAX,
  CANNED_BODY_MAX,
  CANNED_TITLE_MAX,
  DEFAULT_CANNED_ANSWERS_IT,
  REPLY_TEXT_MAX,
  replySubject,
  replyText,
} from '../../domain/ticket-reply.ts';
import type { Database } from '../../db/client.ts';
import type { AgencyDirectory } from '../agencies/agency-directory.ts';
import type { OutboxRunner } from '../outbox/outbox-runner.ts';
import * as canned from './canned-answers-repo.ts';
import * as repo from './email-repo.ts';
import { REPLY_KIND } from './reply-handler.ts';

/** What replying needs of the tickets module: the ticket as the actor may see it, and its timeline. */
export type ReplyTicketPort = Readonly<{
  getTicket(actor: Actor, ref: string): Promise<{ ref: string; agency: string; status: string; caller: { email: string | null } }>;
  addTicketMessage(
    actor: Actor,
    ref: string,
    input: { kind: 'reply'; text: string; emailId: string; from: string; reply: { to: string; subject: string; messageId: string } },
  ): Promise<unknown>;
}>;

export type QueuedReply = Readonly<{ ref: string; to: string; from: string; subject: string; messageId: string; status: 'queued' }>;

/**
 * Operators answer tenants by e-mail from a ticket: the reply goes out through the one outbox, from
 * the agency address the tenant wrote to, to the ticket's correspondent only (the address its first
 * message was acknowledged at), threaded so that the answer files itself into the same ticket.
 * Supervisors keep each agency's canned answers.
 */
export function createTicketReplies(deps: { db: Database; clock: Clock; directory: AgencyDirectory; tickets: ReplyTicketPort; outbox: OutboxRunner }) {
  const { db, clock, directory, tickets, outbox } = deps;

  return {
    async reply(actor: Actor, ref: string, input: { text: string }): Promise<QueuedReply> {
      if (!isStaff(actor)) throw forbidden('Only the call center replies to tenants');
      const text = input.text.trim();
      if (text === '') throw validation('An empty reply');
      if (text.length > REPLY_TEXT_MAX) throw validation(`A reply longer than ${REPLY_TEXT_MAX} characters`);
      const ticket = await tickets.getTicket(actor, ref);
      if (ticket.status === 'cancelled') throw conflict(`Ticket ${ticket.ref} is cancelled`);
      const to = ticket.caller.email;
      if (!to) throw conflict(`Ticket ${ticket.ref} has no e-mail address of the tenant`);
      const answered = await repo.lastInboundOfTicket(db, ticket.agency, ticket.ref);
      // The agency address the tenant wrote to; a ticket that never came by e-mail has none to answer from.
      const from = answered?.recipient ?? null;
      if (!from) throw conflict(`Ticket ${ticket.ref} has no e-mail of the tenant to answer`);
      const agency = directory.agency(ticket.agency);
      const now = clock.now();
      const messageId = `reply.${randomUUID()}@${from.slice(from.lastIndexOf('@') + 1)}`;
      const subject = replySubject(ticket.ref);
      const queued = await db.transaction((tx) =>
        repo.insertOutbox(tx, {
          kind: REPLY_KIND,
          agencyCode: ticket.agency,
          ticketRef: ticket.ref,
          inboundEmailId: null,
          fromAddress: from,
          toAddress: to,
          subject,
          textBody: replyText({ ref: ticket.ref, agencyName: agency?.name ?? ticket.agency, text }),
          messageId,
          inReplyTo: answered?.messageId ?? null,
          references: answered?.messageId ? [answered.messageId] : [],
          createdAt: now,
        }),
      );
      if (!queued) throw conflict('The reply could not be queued');
      // In the timeline once: keyed by the outbox row, so a retry of this step records nothing twice.
      await tickets.addTicketMessage(actor, ticket.ref, { kind: 'reply', text, emailId: `reply:${queued.id}`, from, reply: { to, subject, messageId } });
      outbox.wake(REPLY_KIND);
      return { ref: ticket.ref, to, from, subject, messageId, status: 'queued' };
    },

    /** The agency's canned answers (its defaults until its supervisors write their own), for whoever serves it. */
    async cannedAnswers(actor: Actor, agencyCode: string): Promise<{ agency: string; answers: CannedAnswer[]; isDefault: boolean }> {
      if (!isStaff(actor)) throw forbidden('Canned answers are the call center’s');
      assertCanSeeAgency(actor, agencyCode, 'Agency');
      if (!directory.agency(agencyCode)) throw validation(`Unknown agency ${agencyCode}`);
      const answers = await canned.listCannedAnswers(db, agencyCode);
      return { agency: agencyCode, answers: answers ?? [...DEFAULT_CANNED_ANSWERS_IT], isDefault: answers === null };
    },

    async replaceCannedAnswers(actor: Actor, agencyCode: string, answers: readonly CannedAnswer[]) {
      assertRole(actor, 'supervisor', 'admin');
      assertCanSeeAgency(actor, agencyCode, 'Agency');
      if (!directory.agency(agencyCode)) throw validation(`Unknown agency ${agencyCode}`);
      if (answers.length > CANNED_ANSWERS_MAX) throw validation(`More than ${CANNED_ANSWERS_MAX} canned answers`);
      const cleaned = answers.map((answer) => ({ title: answer.title.trim(), body: answer.body.trim() }));
      for (const answer of cleaned) {
        if (!answer.title || answer.title.length > CANNED_TITLE_MAX) throw validation(`A title must have 1 to ${CANNED_TITLE_MAX} characters`);
        if (!answer.body || answer.body.length > CANNED_BODY_MAX) throw validation(`A text must have 1 to ${CANNED_BODY_MAX} characters`);
      }
      await db.transaction((tx) => canned.replaceCannedAnswers(tx, agencyCode, cleaned, actor.id, clock.now()));
      return { agency: agencyCode, answers: cleaned, isDefault: false };
    },
  };
}

export type TicketReplies = ReturnType<typeof createTicketReplies>;
