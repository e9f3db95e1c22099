import type { Database } from '../../db/client.ts';
import type { AppModule } from '../module.ts';
import { createAgencyDirectory } from './agency-directory.ts';
import { portfolioExists } from './agencies-repo.ts';

/** The port other modules check a portfolio with (tickets, tenant imports), read in their transaction. */
export const portfolioLookup = { exists: portfolioExists };

/**
 * Agencies, their numbers, addresses, schedules and queues, held in memory so that a call is
 * routed without a query. Administration changes them (admin module) and reloads the directory.
 */
export async function createAgenciesModule(deps: { db: Database }) {
  const directory = await createAgencyDirectory(deps.db);
  return { name: 'agencies', service: directory, ports: { portfolios: portfolioLookup } } satisfies AppModule;
}
