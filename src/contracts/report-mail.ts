import { z } from 'zod';

const Address = z.email().transform((address) => address.toLowerCase());

/** Who receives an agency's reports by e-mail; an empty list turns that mail off. */
export const ReportMailRecipientsBody = z.strictObject({
  /** The agency's liaison(s): the previous month's call-volume report, on the first days of each month. */
  monthlyReport: z.array(Address).max(20),
  /** The supervisors who issue the agency's statements: the draft of the quarter just ended. */
  statementDraft: z.array(Address).max(20),
});
export type ReportMailRecipientsBody = z.infer<typeof ReportMailRecipientsBody>;

const ReportMailing = z.strictObject({
  kind: z.enum(['monthly_report', 'statement_draft']),
  period: z.string(),
  to: z.string(),
  subject: z.string(),
  status: z.enum(['pending', 'delivering', 'delivered', 'dead', 'held']),
  attempts: z.number().int(),
  lastError: z.string().nullable(),
  createdAt: z.string(),
  deliveredAt: z.string().nullable(),
});

/** GET/PUT /api/v1/admin/agencies/:code/report-mail: the recipients and the latest mailings. */
export const AgencyReportMail = z.strictObject({
  agency: z.string(),
  recipients: z.strictObject({ monthlyReport: z.array(z.string()), statementDraft: z.array(z.string()) }),
  /** The last 24 mailings, newest first: what was sent to whom, and whether it arrived at the mail server. */
  recent: z.array(ReportMailing),
});
export type AgencyReportMail = z.infer<typeof AgencyReportMail>;
