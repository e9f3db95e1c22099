import { SYSTEM_ACTOR } from '../../domain/actor.ts';
import type { AgencyDirectory } from '../agencies/agency-directory.ts';
import type { AppModule, ModuleCore, Worker } from '../module.ts';
import { intervalWorker } from '../module.ts';
import { createCallRollup } from './call-rollup.ts';
import { reportsRoutes } from './reports-routes.ts';
import { createReportService } from './reports-service.ts';
import { createStaffing } from './staffing.ts';
import { createOperationsReport } from './operations.ts';

/** Give a deploy's first seconds to the traffic (or less, with a shorter interval); then seal, and again every ROLLUP_SEAL_INTERVAL_MS. */
const FIRST_SEAL_DELAY_MS = 5_000;

/**
 * Call-volume reports, the monthly trend and quarterly statements. Figures of sealed days come from
 * the hourly rollup, later days from the raw calls. Sealing is the sealer worker's job, never a
 * report's: reading a report writes nothing.
 */
export function createReportsModule(deps: Pick<ModuleCore, 'config' | 'db' | 'clock' | 'bus' | 'log'> & { directory: AgencyDirectory }) {
  const { config, db, directory, clock, bus, log } = deps;
  const rollup = createCallRollup({ directory, clock });
  const reports = createReportService({ db, directory, clock, bus, rollup });
  const staffing = createStaffing({
    db,
    directory,
    clock,
    heatingSeason: config.workflow.heatingSeason,
    wrapUpLimitSeconds: config.workflow.wrapUpSeconds,
  });
  const operations = createOperationsReport({
    db,
    directory,
    clock,
    wrapUpLimitSeconds: config.workflow.wrapUpSeconds,
    perOperatorAgreement: config.perOperatorAgreement,
  });
  const workers: Worker[] = [];
  if (config.rollupSealIntervalMs > 0) {
    // Several nodes may seal at once: the rollup locks per agency.
    workers.push(
      intervalWorker({
        name: 'rollup-sealer',
        firstDelayMs: Math.min(FIRST_SEAL_DELAY_MS, config.rollupSealIntervalMs),
        intervalMs: config.rollupSealIntervalMs,
        job: () => reports.sealFinishedDays(),
        onError: (error) => log.warn({ err: error }, 'sealing the report rollup failed; the next pass tries again'),
      }),
    );
  }
  return {
    name: 'reports',
    service: reports,
    routes: (api) => reportsRoutes(api, reports, staffing, operations),
    workers,
    ports: {
      /** For the calls module: a late change of a call of a sealed day recomputes its hour, in the call's transaction. */
      afterCallChange: rollup.afterCallChange,
      /** For the live module: the wallboard's "today" equals the day's report, to the call. */
      dayTotals: async (agency: string, day: string) => (await reports.callReport(SYSTEM_ACTOR, { agency, from: day, to: day })).totals,
    },
  } satisfies AppModule;
}
