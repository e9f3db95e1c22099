// The whole schema, one file per aggregate. drizzle-kit reads this barrel to generate migrations.
export * from './agencies.ts';
export * from './calls.ts';
export * from './users.ts';
export * from './auth.ts';
