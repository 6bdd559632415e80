import { defineConfig } from 'vitest/config'

// *.pg.test.ts need several connections to one PostgreSQL (multi-process fan-out, commit
// ordering): PGlite is one connection by design. They run in the DATABASE_URL pass.
const onPostgres = Boolean(process.env.DATABASE_URL)
if (!onPostgres) console.warn('[not run] tests/*.pg.test.ts need DATABASE_URL (PostgreSQL 15+ with PostGIS); .ci/run runs them')

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    exclude: ['**/node_modules/**', ...(onPostgres ? [] : ['tests/**/*.pg.test.ts'])],
    globalSetup: ['tests/helpers/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Two cores: each file boots its own database, so more workers only thrash.
    maxWorkers: 2,
    fileParallelism: true,
  },
})
