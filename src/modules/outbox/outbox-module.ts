import type { AppModule, ModuleCore } from '../module.ts';
import { createSmtpTransport } from './mail-sender.ts';
import { createOutboxRunner } from './outbox-runner.ts';

/**
 * The one outbox: every outgoing message (acknowledgements, ticket e-mails and webhooks to the
 * agencies' offices) is a row sent by this runner, through the handler its module registered for
 * its kind, over the one SMTP transport. Listed before the modules that register on it, so that its
 * worker stops after theirs.
 */
export function createOutboxModule(deps: Pick<ModuleCore, 'config' | 'db' | 'clock' | 'log'>) {
  const { config, log } = deps;
  const smtp = config.smtp.url ? createSmtpTransport(config.smtp.url, config.smtp.from) : null;
  const runner = createOutboxRunner({ db: deps.db, clock: deps.clock, onError: (error) => log.error({ err: error }, 'outbox run failed') });
  return {
    name: 'outbox',
    service: runner,
    workers: [
      {
        name: 'outbox',
        // Polls every DELIVERY_POLL_MS (0: only woken passes, and passes run by hand).
        start: () => runner.start(config.workflow.deliveryPollMs),
        // Waits for the passes in flight, so nothing is cut off mid-commit.
        stop: () => runner.stop(),
      },
    ],
    ports: {
      runner,
      /** The one SMTP transport; null without SMTP_URL. */
      mail: smtp?.send ?? null,
      /** The same transport, answering the server's reply line (test deliveries); null without SMTP_URL. */
      mailWithReceipt: smtp?.sendWithReceipt ?? null,
    },
  } satisfies AppModule;
}
