import { readFileSync } from 'node:fs';
import { deliveryTargets } from '../db/schema/index.ts';
import { parseTenantCsv, tenantFromCsvRow } from '../modules/tenants/tenant-csv.ts';
import { upsertTenant } from '../modules/tenants/tenants-repo.ts';
import type { DemoSeedStep } from './seed-demo.ts';

/** The same CSV format `npm run import:tenants` reads, so the demo shows what an agency's export looks like. */
const DEMO_TENANT_FILES = [
  { agency: 'aler-milano', file: new URL('./demo-tenants-aler-milano.csv', import.meta.url) },
  { agency: 'aler-pavia-lodi', file: new URL('./demo-tenants-aler-pavia-lodi.csv', import.meta.url) },
];

export const seedTenants: DemoSeedStep = {
  name: 'demo tenants',
  async run(tx, { now }) {
    for (const { agency, file } of DEMO_TENANT_FILES) {
      const parsed = parseTenantCsv(readFileSync(file, 'utf8'));
      if (parsed.error || parsed.refused.length > 0) throw new Error(`demo tenants of ${agency}: ${parsed.error ?? JSON.stringify(parsed.refused)}`);
      for (const row of parsed.rows) {
        await upsertTenant(tx, tenantFromCsvRow(agency, row), now);
      }
    }
  },
};

/**
 * Each demo agency receives its tickets by e-mail, heating at the heating contractor and the
 * rest at the agency's offices. Without SMTP they stay readable in the outbox (status `held`).
 */
export const seedDeliveryTargets: DemoSeedStep = {
  name: 'demo delivery targets',
  async run(tx, { now }) {
    await tx.insert(deliveryTargets).values([
      {
        agencyCode: 'aler-milano',
        category: 'maintenance',
        kind: 'email',
        label: 'Unità territoriale manutenzione',
        emailTo: 'manutenzione@aler-milano.example',
        createdAt: now,
      },
      {
        agencyCode: 'aler-milano',
        category: 'heating',
        kind: 'email',
        label: 'Gestore calore (contratto servizio energia)',
        emailTo: 'calore@gestore-calore.example',
        createdAt: now,
      },
      { agencyCode: 'aler-milano', category: 'admin', kind: 'email', label: 'Ufficio utenza', emailTo: 'utenza@aler-milano.example', createdAt: now },
      {
        agencyCode: 'aler-pavia-lodi',
        category: 'maintenance',
        kind: 'email',
        label: 'Ufficio tecnico Pavia',
        emailTo: 'ufficio.tecnico@aler-pavia-lodi.example',
        createdAt: now,
      },
      {
        agencyCode: 'aler-pavia-lodi',
        category: 'heating',
        kind: 'email',
        label: 'Gestore calore Pavia-Lodi',
        emailTo: 'riscaldamento@gestore-calore.example',
        createdAt: now,
      },
      {
        agencyCode: 'aler-pavia-lodi',
        category: 'admin',
        kind: 'email',
        label: 'Ufficio amministrativo',
        emailTo: 'amministrazione@aler-pavia-lodi.example',
        createdAt: now,
      },
    ]);
  },
};
