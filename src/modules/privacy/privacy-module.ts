import type { AccessLog } from '../access-log/access-log-service.ts';
import type { AgencyDirectory } from '../agencies/agency-directory.ts';
import type { AppModule, ModuleCore, Worker } from '../module.ts';
import { privacyRoutes } from './privacy-routes.ts';
import type { PrivacyEmailBytes } from './privacy-service.ts';
import { createPrivacyService } from './privacy-service.ts';
import type { RetentionWorker } from './retention-worker.ts';
import { startRetentionWorker } from './retention-worker.ts';

/**
 * GDPR duties towards each agency (the controller): retention (the worker, every
 * RETENTION_INTERVAL_MS), data-subject export and erasure, the agency's full export and its
 * end-of-contract deletion, each with a receipt.
 */
export function createPrivacyModule(
  deps: Pick<ModuleCore, 'config' | 'db' | 'clock' | 'log'> & { directory: AgencyDirectory; accessLog: AccessLog; emailBytes: PrivacyEmailBytes },
) {
  const { config, log } = deps;
  const privacy = createPrivacyService(deps);
  const workers: Worker[] = [];
  if (config.retentionIntervalMs > 0) {
    let worker: RetentionWorker | undefined;
    workers.push({
      name: 'retention',
      start() {
        worker = startRetentionWorker({ apply: () => privacy.applyRetention(), log, intervalMs: config.retentionIntervalMs });
      },
      stop: async () => worker?.stop(),
    });
  }
  return { name: 'privacy', service: privacy, routes: (api) => privacyRoutes(api, privacy), workers } satisfies AppModule;
}
