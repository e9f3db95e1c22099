import { defineConfig } from 'drizzle-kit';

// drizzle-kit only generates SQL here; migrations are applied in code (src/db/migrate.ts)
// by the same function for PGlite and native Postgres.
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/db/schema/index.ts',
  out: './migrations',
});
