import type { Actor } from '../../domain/actor.ts';
import type { Executor } from '../../db/client.ts';

/*
 * What the tickets module needs of other modules, each port as narrow as its use. The tickets
 * module never imports another module's repository: the owning module provides these and the
 * module list (src/modules/module-list.ts) wires them. Every lookup takes the executor, so that it
 * reads inside the ticket's own transaction.
 */

/** The calls module: the call a ticket is registered from or linked to. */
export type TicketCallLookup = Readonly<{
  findCall(
    executor: Executor,
    callSid: string,
  ): Promise<Readonly<{ callSid: string; agencyCode: string | null; portfolioId: string | null; fromNumber: string | null }> | undefined>;
}>;

/** A tenant of an agency's registry, as far as a ticket copies it (caller and dwelling). */
export type RegisteredTenant = Readonly<{
  code: string;
  name: string;
  email: string | null;
  address: string | null;
  municipality: string | null;
  building: string | null;
  stair: string | null;
  floor: string | null;
  flat: string | null;
}>;

/** The tenants module: the registry of the ticket's agency, never another agency's. */
export type TicketTenantLookup = Readonly<{
  byCode(executor: Executor, agency: string, code: string): Promise<RegisteredTenant | undefined>;
  byPhone(executor: Executor, agency: string, e164: string): Promise<readonly RegisteredTenant[]>;
}>;

/** The agencies module: whether a portfolio (housing stock) is the agency's. */
export type PortfolioLookup = Readonly<{ exists(executor: Executor, agency: string, portfolioId: string): Promise<boolean> }>;

/**
 * The access-log module: staff reads of tenants' personal data are logged for the agency (the
 * controller).
 */
export type AccessRecorder = Readonly<{
  record(actor: Actor, entry: { agency: string; resource: string; resourceId?: string | null; action: string; fields?: readonly string[] }): Promise<void>;
  recordList(
    actor: Actor,
    entry: { resource: string; action: string; fields?: readonly string[] },
    agencyOfEachItem: readonly (string | null)[],
  ): Promise<void>;
}>;
