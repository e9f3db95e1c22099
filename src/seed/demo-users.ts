import argon2 from 'argon2';
import { userAgencies, users } from '../db/schema/index.ts';
import { DEMO_AGENCIES } from './demo-agencies.ts';
import type { DemoSeedStep } from './seed-demo.ts';

const ALL_AGENCIES = DEMO_AGENCIES.map((agency) => agency.code);

/** CONTRACT §3: the demo users, all with the password DEMO_PASSWORD. */
export const DEMO_USERS = [
  { username: 'operatore1', displayName: 'Operatore Uno', role: 'operator', agencyCode: null, serves: ALL_AGENCIES },
  { username: 'operatore2', displayName: 'Operatore Due', role: 'operator', agencyCode: null, serves: ALL_AGENCIES },
  { username: 'supervisore', displayName: 'Supervisore', role: 'supervisor', agencyCode: null, serves: ALL_AGENCIES },
  { username: 'admin', displayName: 'Amministratore', role: 'admin', agencyCode: null, serves: ALL_AGENCIES },
  { username: 'referente-milano', displayName: 'Referente ALER Milano', role: 'agency', agencyCode: 'aler-milano', serves: [] },
  { username: 'referente-pavia', displayName: 'Referente ALER Pavia-Lodi', role: 'agency', agencyCode: 'aler-pavia-lodi', serves: [] },
] as const;

export const seedUsers: DemoSeedStep = {
  name: 'demo users',
  async run(tx, { demoPassword, now }) {
    const passwordHash = await argon2.hash(demoPassword, { type: argon2.argon2id });
    for (const user of DEMO_USERS) {
      const [row] = await tx
        .insert(users)
        .values({
          username: user.username,
          displayName: user.displayName,
          role: user.role,
          agencyCode: user.agencyCode,
          passwordHash,
          passwordChangedAt: now,
          createdAt: now,
        })
        .returning({ id: users.id });
      if (user.serves.length > 0) await tx.insert(userAgencies).values(user.serves.map((agencyCode) => ({ userId: row.id, agencyCode })));
    }
  },
};
