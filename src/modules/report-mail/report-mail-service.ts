import type { AgencyReportMail, ReportMailRecipientsBody } from '../../contracts/report-mail.ts';
import type { Actor } from '../../domain/actor.ts';
import { assertCanSeeAgency, assertRole, SYSTEM_ACTOR } from '../../domain/actor.ts';
import type { Clock } from '../../domain/clock.ts';
import { AppError } from '../../domain/errors.ts';
import { DELIVERY_RETRY } from '../../domain/retry-policy.ts';
import { lastFinishedMonth, lastFinishedQuarter } from '../../domain/report-periods.ts';
import type { Database } from '../../db/client.ts';
import type { ReportMailKind } from '../../db/schema/report-mail.ts';
import type { AgencyDirectory } from '../agencies/agency-directory.ts';
import type { AuditPort } from '../audit/audit-service.ts';
import type { ReportService } from '../reports/reports-service.ts';
import type { RenderedMail } from './report-mail-render.ts';
import { monthlyReportMail, statementDraftMail } from './report-mail-render.ts';
import * as repo from './report-mail-repo.ts';

export type ReportMailService = ReturnType<typeof createReportMailService>;

const RECENT_MAILINGS = 24;

/**
 * Reports that arrive by themselves (issue 18 §4). Each pass (hourly) looks, for every agency with
 * recipients, at the last finished month and quarter in the agency's time zone: a recipient who has
 * no mail of that period yet gets one, rendered now and written to the outbox, which sends and
 * retries it like a delivery. The figures are the report's own (`callReport`, `previewStatement`),
 * computed as the system for one agency: nothing of another agency can be in them.
 */
export function createReportMailService(deps: {
  db: Database;
  clock: Clock;
  directory: AgencyDirectory;
  reports: Pick<ReportService, 'callReport' | 'previewStatement'>;
  audit: AuditPort;
  /** Without SMTP the mail is kept, rendered, as `held`. */
  canSend: boolean;
  wake: () => void;
}) {
  const { db, clock, directory } = deps;

  function assertCanRead(actor: Actor, code: string): void {
    assertRole(actor, 'admin', 'supervisor');
    if (actor.role !== 'admin') assertCanSeeAgency(actor, code, 'Agency');
    if (!directory.agency(code)) throw new AppError('NOT_FOUND', 'Agency not found');
  }

  async function view(code: string): Promise<AgencyReportMail> {
    const recipients = await repo.recipientsOf(db, code);
    const of = (kind: ReportMailKind) => recipients.filter((row) => row.kind === kind).map((row) => row.address);
    const recent = await repo.recentMailings(db, code, RECENT_MAILINGS);
    return {
      agency: code,
      recipients: { monthlyReport: of('monthly_report'), statementDraft: of('statement_draft') },
      recent: recent.map((row) => ({
        kind: row.kind,
        period: row.period,
        to: row.toAddress,
        subject: row.subject,
        status: row.status,
        attempts: row.attempts,
        lastError: row.lastError,
        createdAt: row.createdAt.toISOString(),
        deliveredAt: row.deliveredAt?.toISOString() ?? null,
      })),
    };
  }

  /** The mail of one period for the recipients who have none yet; rendered only when someone needs it. */
  async function mailPeriod(agency: string, kind: ReportMailKind, period: string, addresses: readonly string[], render: () => Promise<RenderedMail>) {
    const mailed = await repo.addressesMailed(db, { agency, kind, period });
    const missing = addresses.filter((address) => !mailed.has(address));
    if (missing.length === 0) return 0;
    const mail = await render();
    const now = clock.now();
    return repo.insertMailings(
      db,
      missing.map((address) => ({
        kind,
        agencyCode: agency,
        period,
        toAddress: address,
        subject: mail.subject,
        textBody: mail.text,
        htmlBody: mail.html,
        attachmentName: mail.attachmentName,
        attachmentCsv: mail.attachmentCsv,
        dedupeKey: `${kind}:${agency}:${period}:${address}`,
        createdAt: now,
        status: deps.canSend ? 'pending' : 'held',
        nextAttemptAt: now,
        updatedAt: now,
        giveUpAt: new Date(now.getTime() + (DELIVERY_RETRY.giveUpAfterSeconds ?? 86_400) * 1000),
      })),
    );
  }

  return {
    async getSettings(actor: Actor, code: string): Promise<AgencyReportMail> {
      assertCanRead(actor, code);
      return view(code);
    },

    /** PUT: administrators choose who receives an agency's reports; audited with the lists before and after. */
    async replaceRecipients(actor: Actor, code: string, body: ReportMailRecipientsBody): Promise<AgencyReportMail> {
      assertRole(actor, 'admin');
      if (!directory.agency(code)) throw new AppError('NOT_FOUND', 'Agency not found');
      const wanted = [
        ...[...new Set(body.monthlyReport)].map((address) => ({ kind: 'monthly_report' as const, address })),
        ...[...new Set(body.statementDraft)].map((address) => ({ kind: 'statement_draft' as const, address })),
      ];
      await db.transaction(async (tx) => {
        const before = await repo.recipientsOf(tx, code);
        await repo.replaceRecipients(tx, code, wanted);
        const listed = (rows: readonly { kind: string; address: string }[]) => rows.map((row) => `${row.kind}:${row.address}`).sort();
        if (listed(before).join() !== listed(wanted).join()) {
          await deps.audit.record(tx, actor, {
            action: 'agency.report_mail',
            target: { kind: 'agency', id: code },
            agency: code,
            before: { recipients: listed(before) },
            after: { recipients: listed(wanted) },
          });
        }
      });
      return view(code);
    },

    /**
     * One pass: the last finished month's report and quarter's draft for every recipient still
     * without them. Idempotent (a dedupe key per recipient and period), so passes and nodes may overlap.
     */
    async mailDue(): Promise<{ written: number }> {
      const now = clock.now();
      const byAgency = new Map<string, { kind: ReportMailKind; address: string }[]>();
      for (const row of await repo.allRecipients(db)) byAgency.set(row.agencyCode, [...(byAgency.get(row.agencyCode) ?? []), row]);
      let written = 0;
      for (const [code, recipients] of byAgency) {
        const agency = directory.agency(code);
        if (!agency) continue;
        const to = (kind: ReportMailKind) => recipients.filter((row) => row.kind === kind).map((row) => row.address);
        const month = lastFinishedMonth(now, agency.timezone);
        written += await mailPeriod(code, 'monthly_report', month.period, to('monthly_report'), async () =>
          monthlyReportMail(await deps.reports.callReport(SYSTEM_ACTOR, { agency: code, from: month.from, to: month.to }), month.period),
        );
        const quarter = lastFinishedQuarter(now, agency.timezone);
        written += await mailPeriod(code, 'statement_draft', quarter.period, to('statement_draft'), async () =>
          statementDraftMail(await deps.reports.previewStatement(SYSTEM_ACTOR, { agency: code, period: quarter.period })),
        );
      }
      if (written > 0 && deps.canSend) deps.wake();
      return { written };
    },
  };
}
