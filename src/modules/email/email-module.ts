import type { AgencyDirectory } from '../agencies/agency-directory.ts';
import type { AppModule, ModuleCore } from '../module.ts';
import { intervalWorker } from '../module.ts';
import { loadBlob, removeDroppedBlobs } from './email-bytes-repo.ts';
import type { MailSender } from '../outbox/mail-sender.ts';
import type { OutboxRunner } from '../outbox/outbox-runner.ts';
import type { EmailTicketPort } from './email-pipeline.ts';
import { emailRoutes } from './email-routes.ts';
import type { EmailAccessRecorder } from './email-service.ts';
import { createEmailService } from './email-service.ts';
import { createParsePool } from './parse-pool.ts';
import { createReplyHandler } from './reply-handler.ts';
import { createIncidentNotice } from './incident-notice.ts';
import { replyRoutes } from './reply-routes.ts';
import type { ReplyTicketPort } from './ticket-replies.ts';
import { createTicketReplies } from './ticket-replies.ts';

const SWEEP_INTERVAL_MS = 60_000;

/**
 * Inbound e-mail: stored, parsed (in worker threads), routed, threaded, filed as a ticket or
 * quarantined, acknowledged. The providers' webhooks (webhooks/email) hand raw messages to
 * `service.receive`.
 */
export function createEmailModule(
  deps: Pick<ModuleCore, 'config' | 'db' | 'clock' | 'bus' | 'log'> & {
    directory: AgencyDirectory;
    tickets: EmailTicketPort & ReplyTicketPort;
    accessLog: Readonly<{ record: EmailAccessRecorder }>;
    /** The one outbox runner (acknowledgements are registered on it) and the one SMTP transport. */
    outbox: OutboxRunner;
    mail: MailSender | null;
  },
) {
  const { config, db, log } = deps;
  // Parsing mail is CPU work that must never hold the thread answering calls: worker threads do it.
  const parser = createParsePool(config.email.parse);
  const email = createEmailService({
    db,
    clock: deps.clock,
    bus: deps.bus,
    directory: deps.directory,
    tickets: deps.tickets,
    parse: (raw) => parser.parse(raw),
    recordAccess: (actor, entry) => deps.accessLog.record(actor, entry),
    send: deps.mail,
    outbox: deps.outbox,
    onBackgroundError: (error) => log.error({ err: error }, 'e-mail background work failed'),
  });
  // Operators' replies to tenants go out through the same outbox and transport as acknowledgements.
  const replies = createTicketReplies({ db, clock: deps.clock, directory: deps.directory, tickets: deps.tickets, outbox: deps.outbox });
  if (deps.mail) deps.outbox.register(createReplyHandler(deps.mail));
  const tenantNotice = createIncidentNotice({ directory: deps.directory, outbox: deps.outbox, send: deps.mail });
  return {
    name: 'email',
    service: email,
    routes: (api) => {
      emailRoutes(api, email);
      replyRoutes(api, replies);
    },
    workers: [
      // Stopped last of the three: waits for acknowledgements being sent and sweeps in flight, then ends the threads.
      {
        name: 'email-parser',
        start: () => {},
        stop: async () => {
          await email.idle();
          await parser.close();
        },
      },
      // Mail stored but not filed when the process stopped is filed as the app starts, without
      // delaying readiness; a lease left by a crashed worker runs out after two minutes, and this
      // minute sweep files such mail too.
      intervalWorker({
        name: 'email-reprocess',
        firstDelayMs: 0,
        intervalMs: SWEEP_INTERVAL_MS,
        job: () => email.reprocessPending(),
        onError: (error) => log.error({ err: error }, 'reprocessing stored e-mail failed'),
      }),
      // The same beat removes e-mail bytes no row names any more (deleted rows, crashed writes).
      intervalWorker({
        name: 'email-bytes-sweep',
        firstDelayMs: 0,
        intervalMs: SWEEP_INTERVAL_MS,
        job: () => email.sweepBytes(),
        onError: (error) => log.error({ err: error }, 'removing loose e-mail bytes failed'),
      }),
    ],
    ports: {
      /** For the incidents module: tells a tenant, in the closing's transaction, that their building's problem is solved. */
      tenantNotice,
      /** The parsing threads (tests and benchmarks parse through the app's own pool). */
      parser,
      /** For the privacy module: a stored message or attachment whole, and the removal of bytes whose rows are gone. */
      bytes: {
        load: (blobId: string) => loadBlob(db, blobId),
        removeDropped: () => removeDroppedBlobs(db),
      },
    },
  } satisfies AppModule;
}
