import { seedDeliveryTargets, seedTenants } from './demo-tenants.ts';
import { seedUsers } from './demo-users.ts';
import type { DemoSeedStep } from './seed-demo.ts';
import { seedAgencies } from './seed-demo.ts';

/** The demo data, in dependency order. Each module adds its own step here. */
export const DEMO_SEED_STEPS: readonly DemoSeedStep[] = [seedAgencies, seedUsers, seedTenants, seedDeliveryTargets];
