// The whole schema, one file per aggregate. drizzle-kit reads this barrel to generate migrations.
export * from './agencies.ts';
export * from './calls.ts';
export * from './users.ts';
export * from './auth.ts';
export * from './tickets.ts';
export * from './tenants.ts';
export * from './operators.ts';
export * from './outbox.ts';
export * from './callbacks.ts';
export * from './email.ts';
export * from './reports.ts';
export * from './cluster.ts';
export * from './privacy.ts';
export * from './audit.ts';
export * from './report-mail.ts';
export * from './incidents.ts';
