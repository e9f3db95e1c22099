import type { AccessLog } from '../access-log/access-log-service.ts';
import type { AgencyDirectory } from '../agencies/agency-directory.ts';
import type { AuditPort } from '../audit/audit-service.ts';
import type { AppModule, ModuleCore, Worker } from '../module.ts';
import { intervalWorker } from '../module.ts';
import type { MailSender } from '../outbox/mail-sender.ts';
import type { OutboxRunner } from '../outbox/outbox-runner.ts';
import type { ReportService } from '../reports/reports-service.ts';
import { reportMailHandlers } from './report-mail-handlers.ts';
import { reportMailRoutes } from './report-mail-routes.ts';
import { createReportMailService } from './report-mail-service.ts';

/** A deploy's first minute belongs to the traffic; the month's reports can wait that long. */
const FIRST_PASS_DELAY_MS = 60_000;

/**
 * Reports that arrive by themselves: each agency's monthly call-volume report to its liaison and
 * the quarter's statement draft to the supervisors, written to the one outbox by an hourly pass
 * (REPORT_MAIL_INTERVAL_MS) and sent over the one SMTP transport.
 */
export function createReportMailModule(
  deps: Pick<ModuleCore, 'config' | 'db' | 'clock' | 'log'> & {
    directory: AgencyDirectory;
    reports: Pick<ReportService, 'callReport' | 'previewStatement'>;
    audit: AuditPort;
    accessLog: Pick<AccessLog, 'recordByPlatform'>;
    outbox: OutboxRunner;
    mail: MailSender | null;
  },
) {
  const { config, db, clock, log, outbox } = deps;
  const handlers = deps.mail ? reportMailHandlers({ mail: deps.mail, accessLog: deps.accessLog }) : [];
  for (const handler of handlers) outbox.register(handler);
  const service = createReportMailService({
    db,
    clock,
    directory: deps.directory,
    reports: deps.reports,
    audit: deps.audit,
    canSend: deps.mail !== null,
    wake: () => {
      for (const handler of handlers) outbox.wake(handler.kind);
    },
  });
  const workers: Worker[] = [];
  if (config.reportMailIntervalMs > 0) {
    workers.push(
      intervalWorker({
        name: 'report-mail',
        firstDelayMs: Math.min(FIRST_PASS_DELAY_MS, config.reportMailIntervalMs),
        intervalMs: config.reportMailIntervalMs,
        job: async () => {
          await service.mailDue();
        },
        onError: (error) => log.warn({ err: error }, 'writing the reports due by e-mail failed; the next pass tries again'),
      }),
    );
  }
  return { name: 'report-mail', service, routes: (api) => reportMailRoutes(api, service), workers } satisfies AppModule;
}
