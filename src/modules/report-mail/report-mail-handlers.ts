import { DELIVERY_RETRY } from '../../domain/retry-policy.ts';
import { reportMailings } from '../../db/schema/report-mail.ts';
import type { AccessLog } from '../access-log/access-log-service.ts';
import type { MailSender } from '../outbox/mail-sender.ts';
import type { OutboxHandler } from '../outbox/outbox-runner.ts';

/**
 * The outbox's handlers of the report e-mails, one per kind: one attempt hands the rendered mail
 * to the SMTP transport, with the report's CSV attached; the runner retries it with the
 * deliveries' policy (up to a day). A mail that reached the server is written in the agency's access
 * log, as the platform's own disclosure: which report, which period, to whom.
 */
export function reportMailHandlers(deps: { mail: MailSender; accessLog: Pick<AccessLog, 'recordByPlatform'> }): OutboxHandler<typeof reportMailings>[] {
  const handler = (kind: 'monthly_report' | 'statement_draft'): OutboxHandler<typeof reportMailings> => ({
    kind,
    table: reportMailings,
    policy: DELIVERY_RETRY,
    async attempt(row) {
      try {
        await deps.mail({
          to: row.toAddress,
          subject: row.subject,
          text: row.textBody,
          html: row.htmlBody,
          attachments:
            row.attachmentName && row.attachmentCsv
              ? [{ filename: row.attachmentName, content: row.attachmentCsv, contentType: 'text/csv; charset=utf-8' }]
              : undefined,
          messageId: `<${row.id}@centralino>`,
          headers: { 'X-Centralino-Report': `${row.kind} ${row.period}` },
        });
        return { ok: true };
      } catch (error) {
        return { ok: false, error: error instanceof Error ? error.message : String(error) };
      }
    },
    async recorded(tx, row, attempt) {
      if (attempt.outcome !== 'delivered') return;
      await deps.accessLog.recordByPlatform(
        {
          agency: row.agencyCode,
          resource: kind === 'monthly_report' ? 'call-report' : 'statement-draft',
          resourceId: row.period,
          action: 'mail',
          fields: [row.toAddress],
        },
        tx,
      );
    },
  });
  return [handler('monthly_report'), handler('statement_draft')];
}
