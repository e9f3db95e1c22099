import type { Tenant } from '../../contracts/tenants.ts';
import type { Actor } from '../../domain/actor.ts';
import { assertCanSeeAgency, assertRole, scopeAgencies } from '../../domain/actor.ts';
import type { Clock } from '../../domain/clock.ts';
import { notFound, validation } from '../../domain/errors.ts';
import { normalizePhone } from '../../domain/phone.ts';
import type { Database, Executor } from '../../db/client.ts';
import type { AgencyDirectory } from '../agencies/agency-directory.ts';
import type { TicketSummary } from '../tickets/ticket-view.ts';
import type { RefusedRow, TenantCsvRow } from './tenant-csv.ts';
import { tenantFromCsvRow } from './tenant-csv.ts';
import * as repo from './tenants-repo.ts';
import type { TenantWithPhones } from './tenants-repo.ts';

/*
 * What the tenants module needs of other modules (the module list wires them; this module never
 * imports another module's repository).
 */

/** The calls module: the call on the operator's screen, its agency and its caller. */
export type CallerLookupCalls = Readonly<{
  findCall(
    executor: Executor,
    callSid: string,
  ): Promise<Readonly<{ agencyCode: string | null; portfolioId: string | null; fromNumber: string | null; category: string | null }> | undefined>;
}>;

/** The agencies module: whether a portfolio (housing stock) is the agency's. */
export type TenantPortfolios = Readonly<{ exists(executor: Executor, agency: string, portfolioId: string): Promise<boolean> }>;

/** The access-log module: staff reads of the registry are logged for the agency (the controller). */
export type TenantAccessRecorder = Readonly<{
  record(actor: Actor, entry: { agency: string; resource: string; resourceId?: string | null; action: string; fields?: readonly string[] }): Promise<void>;
}>;

export type TenantServiceDeps = Readonly<{
  db: Database;
  clock: Clock;
  directory: AgencyDirectory;
  calls: CallerLookupCalls;
  portfolios: TenantPortfolios;
  accessLog?: TenantAccessRecorder;
  /** A caller's earlier tickets in one agency (the tickets module answers it). */
  previousTickets?: (agency: string, phones: readonly string[], tenantCodes: readonly string[]) => Promise<TicketSummary[]>;
}>;

export type TenantService = ReturnType<typeof createTenantService>;

export type ImportSummary = { inserted: number; updated: number; refused: RefusedRow[] };

const TENANT_FIELDS = ['name', 'phones', 'email', 'dwelling'];

export function createTenantService(deps: TenantServiceDeps) {
  const { db, clock, directory } = deps;

  return {
    /**
     * The screen pop: who is calling on this call, looked up ONLY in the registry of the agency
     * that was called (a tenant of two agencies is shown the one they dialled), with their earlier
     * tickets — one request, while the phone rings.
     */
    async lookupCaller(actor: Actor, callSid: string) {
      assertRole(actor, 'operator', 'supervisor', 'admin');
      const call = await deps.calls.findCall(db, callSid);
      if (!call || !call.agencyCode) throw notFound('Call');
      assertCanSeeAgency(actor, call.agencyCode, 'Call');
      const phone = normalizePhone(call.fromNumber);
      const tenants = phone ? await repo.findTenantsByPhone(db, call.agencyCode, phone) : [];
      const previousTickets =
        deps.previousTickets && (phone || tenants.length > 0)
          ? await deps.previousTickets(
              call.agencyCode,
              phone ? [phone] : [],
              tenants.map((tenant) => tenant.code),
            )
          : [];
      await deps.accessLog?.record(actor, {
        agency: call.agencyCode,
        resource: 'tenants',
        resourceId: callSid,
        action: 'caller-lookup',
        fields: TENANT_FIELDS,
      });
      return {
        callSid,
        agency: call.agencyCode,
        portfolio: call.portfolioId,
        from: phone ?? call.fromNumber,
        category: call.category,
        tenants: tenants.map(publicTenant),
        previousTickets,
      };
    },

    async searchTenants(actor: Actor, query: { agency?: string; q?: string; phone?: string; limit: number }) {
      assertRole(actor, 'operator', 'supervisor', 'admin', 'agency');
      const agencies = scopeAgencies(actor, query.agency);
      let rows: TenantWithPhones[];
      if (query.phone) {
        const e164 = normalizePhone(query.phone);
        if (!e164) throw validation(`Not a phone number: ${query.phone}`);
        rows = (await Promise.all(agencies.map((agency) => repo.findTenantsByPhone(db, agency, e164)))).flat().slice(0, query.limit);
      } else {
        rows = await repo.searchTenants(db, agencies, query.q, query.limit);
      }
      for (const agency of new Set(rows.map((row) => row.agencyCode))) {
        await deps.accessLog?.record(actor, { agency, resource: 'tenants', action: 'search', fields: TENANT_FIELDS });
      }
      return { items: rows.map(publicTenant) };
    },

    async getTenant(actor: Actor, agency: string, code: string) {
      assertRole(actor, 'operator', 'supervisor', 'admin', 'agency');
      assertCanSeeAgency(actor, agency, 'Tenant');
      const tenant = await repo.findTenantByCode(db, agency, code);
      if (!tenant) throw notFound('Tenant');
      await deps.accessLog?.record(actor, { agency, resource: 'tenants', resourceId: code, action: 'read', fields: TENANT_FIELDS });
      return publicTenant(tenant);
    },

    /** Upserts checked CSV rows by tenant code, in one transaction per batch; unknown portfolios are refused. */
    async importTenants(actor: Actor, agency: string, rows: readonly TenantCsvRow[]): Promise<ImportSummary> {
      assertRole(actor, 'supervisor', 'admin');
      assertCanSeeAgency(actor, agency, 'Agency');
      if (!directory.agency(agency)) throw notFound('Agency');
      const now = clock.now();
      return db.transaction(async (tx) => {
        const summary: ImportSummary = { inserted: 0, updated: 0, refused: [] };
        const knownPortfolios = new Map<string, boolean>();
        for (const row of rows) {
          if (row.portfolio) {
            if (!knownPortfolios.has(row.portfolio)) knownPortfolios.set(row.portfolio, await deps.portfolios.exists(tx, agency, row.portfolio));
            if (!knownPortfolios.get(row.portfolio)) {
              summary.refused.push({ line: row.line, code: row.code, reason: `unknown portfolio ${row.portfolio} for ${agency}` });
              continue;
            }
          }
          const outcome = await repo.upsertTenant(tx, tenantFromCsvRow(agency, row), now);
          summary[outcome] += 1;
        }
        return summary;
      });
    },
  };
}

export function publicTenant(tenant: TenantWithPhones): Tenant {
  return {
    agency: tenant.agencyCode,
    code: tenant.code,
    name: tenant.name,
    email: tenant.email,
    portfolio: tenant.portfolioId,
    phones: tenant.phones,
    dwelling: {
      address: tenant.address,
      municipality: tenant.municipality,
      building: tenant.building,
      stair: tenant.stair,
      floor: tenant.floor,
      flat: tenant.flat,
    },
  };
}
