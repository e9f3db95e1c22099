import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { Database, Tx } from '../db/client.ts';
import { agencies, agencyCategories, agencyContracts, emailAddresses, openingHours, phoneNumbers, portfolios, queues } from '../db/schema/index.ts';
import { DEMO_AGENCIES, DEMO_CATEGORIES, DEMO_CONTRACTS, DEMO_QUEUES, DEMO_WEEKLY_HOURS } from './demo-agencies.ts';

export type DemoSeedContext = Readonly<{ demoPassword: string; now: Date }>;

/** One part of the demo data; modules contribute theirs (users, tenants, …) to DEMO_SEED_STEPS. */
export type DemoSeedStep = Readonly<{ name: string; run(tx: Tx, context: DemoSeedContext): Promise<void> }>;

export const seedAgencies: DemoSeedStep = {
  name: 'agencies, numbers, addresses, opening hours, categories and queues, contracts',
  async run(tx) {
    for (const agency of DEMO_AGENCIES) {
      await tx.insert(agencies).values({
        code: agency.code,
        name: agency.name,
        ticketPrefix: agency.ticketPrefix,
        emergencyNumber: agency.emergencyNumber,
      });
      if (agency.portfolios.length > 0) {
        await tx.insert(portfolios).values(agency.portfolios.map((portfolio) => ({ ...portfolio, agencyCode: agency.code })));
      }
      await tx.insert(phoneNumbers).values(agency.numbers.map((number) => ({ ...number, agencyCode: agency.code })));
      await tx.insert(emailAddresses).values(agency.addresses.map((address) => ({ ...address, agencyCode: agency.code })));
      await tx.insert(openingHours).values(DEMO_WEEKLY_HOURS.map((hours) => ({ ...hours, agencyCode: agency.code })));
      await tx.insert(queues).values(DEMO_QUEUES(agency.code));
      await tx.insert(agencyCategories).values(DEMO_CATEGORIES(agency.code));
    }
    await tx.insert(agencyContracts).values(DEMO_CONTRACTS);
  },
};

export type DemoSeedResult = { seeded: false } | { seeded: true; generatedPassword: string | null; steps: readonly string[] };

/** Loads the demo data when the database holds no agency yet; does nothing otherwise. */
export async function seedDemoIfEmpty(
  db: Database,
  steps: readonly DemoSeedStep[],
  options: { demoPassword: string | undefined; now: Date },
): Promise<DemoSeedResult> {
  const generatedPassword = options.demoPassword ? null : randomBytes(9).toString('base64url');
  const context: DemoSeedContext = { demoPassword: options.demoPassword ?? generatedPassword!, now: options.now };
  return db.transaction(async (tx) => {
    // Serialises concurrent first starts of several nodes on one database.
    await tx.execute(sql`lock table ${agencies} in exclusive mode`);
    const existing = await tx.select({ code: agencies.code }).from(agencies).limit(1);
    if (existing.length > 0) return { seeded: false } as const;
    for (const step of steps) await step.run(tx, context);
    return { seeded: true, generatedPassword, steps: steps.map((step) => step.name) } as const;
  });
}

/**
 * The start-up rule: the demo data (agencies, users with a printed password) goes only where it is
 * wanted (`config.demoSeed`: outside production, or DEMO_SEED=1), and only into an empty database.
 */
export async function seedDemoIfWanted(
  db: Database,
  steps: readonly DemoSeedStep[],
  options: { wanted: boolean; demoPassword: string | undefined; now: Date },
): Promise<DemoSeedResult> {
  if (!options.wanted) return { seeded: false };
  return seedDemoIfEmpty(db, steps, options);
}
