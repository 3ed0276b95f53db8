import { defineConfig } from 'drizzle-kit';

// Migrations are generated from src/db/schema.ts into ./drizzle and applied at start-up by
// src/db/migrate.ts, unchanged, on PGlite and on PostgreSQL.
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/db/schema/index.ts',
  out: './drizzle',
});
