import { randomUUID } from 'node:crypto';
import type { Tx } from '../../db/client.ts';
import { ACK_RETRY } from '../../domain/retry-policy.ts';
import type { AgencyDirectory } from '../agencies/agency-directory.ts';
import type { MailSender } from '../outbox/mail-sender.ts';
import type { OutboxRunner } from '../outbox/outbox-runner.ts';
import * as repo from './email-repo.ts';
import { createThreadedMailHandler } from './threaded-mail-handler.ts';

/** The outbox kind of the message telling a tenant that their building's problem is solved. */
export const INCIDENT_NOTICE_KIND = 'incident_closed';

export type IncidentNotice = Readonly<{ agency: string; ticketRef: string; to: string; address: string; note: string | null; now: Date }>;

/** The Italian text a tenant receives when the incident their report was linked to is closed. */
export function incidentClosedText(notice: IncidentNotice, agencyName: string): { subject: string; text: string } {
  const note = notice.note ? `\n\n${notice.note}` : '';
  return {
    subject: `[${notice.ticketRef}] Guasto risolto nel suo stabile`,
    text:
      `Gentile inquilino,\n\nil guasto segnalato nel suo stabile di ${notice.address} è stato risolto e la sua segnalazione ${notice.ticketRef} è stata chiusa.${note}\n\n` +
      `Se il problema persiste può rispondere a questo messaggio o chiamarci.\n\n${agencyName}`,
  };
}

/**
 * Queues the notice in the one outbox, inside the incident's closing transaction (nobody is told of
 * a closing that did not commit), from the agency's inbound address; sent like an acknowledgement
 * (automatic, not answered by autoresponders). An agency without an address tells nobody.
 */
export function createIncidentNotice(deps: { directory: AgencyDirectory; outbox: OutboxRunner; send: MailSender | null }) {
  if (deps.send) {
    deps.outbox.register(
      createThreadedMailHandler(deps.send, {
        kind: INCIDENT_NOTICE_KIND,
        policy: ACK_RETRY,
        headers: { 'Auto-Submitted': 'auto-generated', 'X-Auto-Response-Suppress': 'All' },
      }),
    );
  }
  return async (tx: Tx, notice: IncidentNotice): Promise<void> => {
    const from = await repo.inboundAddressOf(tx, notice.agency, null);
    if (!from) return;
    const agency = deps.directory.agency(notice.agency);
    const { subject, text } = incidentClosedText(notice, agency?.name ?? notice.agency);
    await repo.insertOutbox(tx, {
      kind: INCIDENT_NOTICE_KIND,
      agencyCode: notice.agency,
      ticketRef: notice.ticketRef,
      inboundEmailId: null,
      fromAddress: from,
      toAddress: notice.to,
      subject,
      textBody: text,
      messageId: `incident.${randomUUID()}@${from.slice(from.lastIndexOf('@') + 1)}`,
      inReplyTo: null,
      references: [],
      createdAt: notice.now,
    });
    // Woken after the commit: the runner only sees committed rows, the poll picks up the rest.
    setImmediate(() => deps.outbox.wake(INCIDENT_NOTICE_KIND));
  };
}
