import { and, asc, eq, ilike, inArray, or, sql } from 'drizzle-orm';
import type { SQL } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
import type { DwellingData } from '../../domain/dwelling.ts';
import { tenantPhones, tenants } from '../../db/schema/index.ts';

export type TenantRow = typeof tenants.$inferSelect;
export type TenantWithPhones = TenantRow & { phones: string[] };

async function withPhones(tx: Executor, rows: TenantRow[]): Promise<TenantWithPhones[]> {
  if (rows.length === 0) return [];
  const phones = await tx
    .select()
    .from(tenantPhones)
    .where(
      inArray(
        tenantPhones.tenantId,
        rows.map((row) => row.id),
      ),
    )
    .orderBy(asc(tenantPhones.e164));
  return rows.map((row) => ({ ...row, phones: phones.filter((phone) => phone.tenantId === row.id).map((phone) => phone.e164) }));
}

export async function findTenantByCode(tx: Executor, agencyCode: string, code: string): Promise<TenantWithPhones | undefined> {
  const rows = await tx
    .select()
    .from(tenants)
    .where(and(eq(tenants.agencyCode, agencyCode), eq(tenants.code, code)));
  return (await withPhones(tx, rows))[0];
}

/** Tenants of ONE agency reachable at a number: the screen pop never looks across agencies. */
export async function findTenantsByPhone(tx: Executor, agencyCode: string, e164: string): Promise<TenantWithPhones[]> {
  const rows = await tx
    .select({ tenant: tenants })
    .from(tenantPhones)
    .innerJoin(tenants, eq(tenants.id, tenantPhones.tenantId))
    .where(and(eq(tenantPhones.agencyCode, agencyCode), eq(tenantPhones.e164, e164)))
    .orderBy(asc(tenants.code))
    .limit(20);
  return withPhones(
    tx,
    rows.map((row) => row.tenant),
  );
}

export async function searchTenants(tx: Executor, agencies: readonly string[], q: string | undefined, limit: number): Promise<TenantWithPhones[]> {
  if (agencies.length === 0) return [];
  const conditions: SQL[] = [inArray(tenants.agencyCode, [...agencies])];
  if (q) {
    const pattern = `%${q.replace(/[\\%_]/g, (character) => `\\${character}`)}%`;
    conditions.push(
      or(
        ilike(tenants.code, pattern),
        ilike(tenants.name, pattern),
        ilike(tenants.address, pattern),
        sql`exists (select 1 from ${tenantPhones} where ${tenantPhones.tenantId} = ${tenants.id} and ${tenantPhones.e164} like ${pattern})`,
      )!,
    );
  }
  const rows = await tx
    .select()
    .from(tenants)
    .where(and(...conditions))
    .orderBy(asc(tenants.agencyCode), asc(tenants.code))
    .limit(limit);
  return withPhones(tx, rows);
}

export type TenantUpsert = Readonly<
  {
    agencyCode: string;
    code: string;
    name: string;
    email: string | null;
    portfolioId: string | null;
    phones: readonly string[];
  } & Required<DwellingData>
>;

/** Inserts or replaces a tenant by (agency, code); their numbers are replaced as a whole. */
export async function upsertTenant(tx: Executor, tenant: TenantUpsert, now: Date): Promise<'inserted' | 'updated'> {
  const { phones, ...fields } = tenant;
  const existing = await tx
    .select({ id: tenants.id })
    .from(tenants)
    .where(and(eq(tenants.agencyCode, tenant.agencyCode), eq(tenants.code, tenant.code)));
  let id: string;
  let outcome: 'inserted' | 'updated';
  if (existing.length > 0) {
    id = existing[0].id;
    await tx
      .update(tenants)
      .set({ ...fields, updatedAt: now })
      .where(eq(tenants.id, id));
    await tx.delete(tenantPhones).where(eq(tenantPhones.tenantId, id));
    outcome = 'updated';
  } else {
    const [row] = await tx
      .insert(tenants)
      .values({ ...fields, createdAt: now, updatedAt: now })
      .returning({ id: tenants.id });
    id = row.id;
    outcome = 'inserted';
  }
  const unique = [...new Set(phones)];
  if (unique.length > 0) await tx.insert(tenantPhones).values(unique.map((e164) => ({ tenantId: id, agencyCode: tenant.agencyCode, e164 })));
  return outcome;
}
