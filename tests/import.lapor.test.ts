import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { Mapping } from '../server/imports/import.mapping.js'
import { parseDate } from '../server/imports/import.rows.js'
import { importCommand } from '../server/imports/import.cli.js'
import { importExport } from '../server/imports/import.service.js'
import { intakeReport } from '../server/reports/report.service.js'
import { createTestApp, type TestApp } from './helpers/app.js'
import { ON_POSTGRES } from './helpers/db.js'
import { seedTwoKelurahan } from './helpers/factories.js'

const FIXTURES = join(import.meta.dirname, 'fixtures')
const CSV = join(FIXTURES, 'lapor-sample.csv')

async function laporReports(t: TestApp) {
  return t.db.db.selectFrom('reports').selectAll().where('channel', '=', 'lapor').orderBy('external_id').execute()
}

describe('import lapor: CSV with bad rows, run twice', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await createTestApp()
    await seedTwoKelurahan(t.db.db)
  })
  afterAll(() => t.close())

  it('imports the good rows, rejects the bad ones with a reason, and finds only duplicates the second time', async () => {
    const progress: number[] = []
    const first = await importExport(t.deps, CSV, { batchSize: 4, onProgress: (p) => progress.push(p.done) })
    expect(progress).toEqual([4, 8, 10])
    expect(first).toMatchObject({ total: 10, resumedAt: 0, imported: 4, duplicates: 1 })
    expect(first.rejected).toEqual([
      { row: 4, id: null, reason: 'no source id' },
      { row: 5, id: 'LPR-005', reason: 'no description' },
      { row: 6, id: 'LPR-006', reason: 'region "Atlantis" not found' },
      { row: 7, id: 'LPR-007', reason: 'date "31/02/2025" is not a date' },
      { row: 8, id: 'LPR-008', reason: expect.stringContaining('out of range') },
    ])
    const rows = await laporReports(t)
    expect(rows.map((r) => r.external_id)).toEqual(['LPR-001', 'LPR-002', 'LPR-003', 'LPR-010'])
    const byId = Object.fromEntries(rows.map((r) => [r.external_id, r]))
    expect(byId['LPR-001']).toMatchObject({ category_code: 'jalan_rusak', region_code: '31.71.01.1001', reporter_name: 'Budi Santoso', reporter_private: false })
    expect(byId['LPR-001']!.reported_at.toISOString()).toBe('2025-06-12T01:30:00.000Z') // 08:30 WIB
    // No coordinates: placed at the named kelurahan, which is kept as the claimed region.
    expect(byId['LPR-002']).toMatchObject({ category_code: 'sampah', region_code: '31.71.01.1002', claimed_region: 'Beta', reporter_private: true })
    expect(byId['LPR-003']).toMatchObject({ category_code: 'penerangan_jalan', region_code: '31.71.01.1001' })
    expect(byId['LPR-010']).toMatchObject({ category_code: 'kemacetan', region_code: '31.71.01.1002' })

    const events = await t.db.db.selectFrom('events').select('type').where('type', '=', 'report.created').execute()
    expect(events.length).toBe(4)

    const again = await importExport(t.deps, CSV, { batchSize: 4 })
    expect(again).toMatchObject({ total: 10, resumedAt: 0, imported: 0, duplicates: 5 })
    expect(again.rejected).toHaveLength(5)
    expect(await laporReports(t)).toHaveLength(4)
  })

  it('follows a column and category mapping for a JSON export', async () => {
    const mapping = Mapping.parse((await import('./fixtures/lapor-mapping.json', { with: { type: 'json' } })).default)
    const res = await importExport(t.deps, join(FIXTURES, 'lapor-export.json'), { mapping })
    expect(res).toMatchObject({ total: 3, imported: 2, duplicates: 0 })
    expect(res.rejected).toEqual([{ row: 3, id: 'J-3', reason: 'category "ASTROLOGI" is not mapped' }])
    const rows = (await laporReports(t)).filter((r) => r.external_id?.startsWith('J-'))
    expect(rows.map((r) => [r.external_id, r.category_code, r.region_code])).toEqual([
      ['J-1', 'air_bersih', '31.71.01.1002'],
      ['J-2', 'listrik_padam', '31.71.01.1001'],
    ])
  })

  it('refuses a mapping that names a missing column or an unknown category before importing anything', async () => {
    await expect(importExport(t.deps, CSV, { mapping: Mapping.parse({ columns: { id: 'Nomor' } }) })).rejects.toThrow(/id → "Nomor"/)
    await expect(importExport(t.deps, CSV, { mapping: Mapping.parse({ categories: { X: 'ufo' } }) })).rejects.toThrow(/"ufo"/)
  })
})

describe('import lapor: resuming after a failure', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await createTestApp()
    await seedTwoKelurahan(t.db.db)
  })
  afterAll(() => t.close())

  it('resumes at the last checkpoint and stores every good row exactly once', async () => {
    let calls = 0
    const failing = async (input: Parameters<typeof intakeReport>[1]) => {
      if (++calls === 4) throw new Error('database went away')
      return intakeReport(t.deps, input, null)
    }
    await expect(importExport(t.deps, CSV, { batchSize: 3, intake: failing })).rejects.toThrow('database went away')
    const run = await t.db.db.selectFrom('import_runs').selectAll().executeTakeFirstOrThrow()
    expect(run).toMatchObject({ status: 'running', next_row: 9, imported: 3 })

    const progress: number[] = []
    const res = await importExport(t.deps, CSV, { batchSize: 3, onProgress: (p) => progress.push(p.done) })
    expect(res.resumedAt).toBe(9)
    expect(progress).toEqual([10])
    expect(res).toMatchObject({ imported: 4, duplicates: 1 })
    expect(res.rejected).toHaveLength(5)
    expect((await laporReports(t)).map((r) => r.external_id)).toEqual(['LPR-001', 'LPR-002', 'LPR-003', 'LPR-010'])
  })
})

describe('import lapor: the command', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await createTestApp()
    await seedTwoKelurahan(t.db.db)
  })
  afterAll(() => t.close())

  it('prints progress on stderr and a summary of rejected rows with reasons', async () => {
    const out: string[] = []
    const err: string[] = []
    const log = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')))
    const write = vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => (err.push(String(s)), true))
    let code: number
    try {
      code = await importCommand(t.deps.config, t.db, CSV, { batch: '5' })
    } finally {
      log.mockRestore()
      write.mockRestore()
    }
    expect(code).toBe(0)
    expect(err.join('')).toContain('lapor: 5/10 rows')
    expect(err.join('')).toContain('lapor: 10/10 rows (new 4, already there 1, rejected 5)')
    const stdout = out.join('\n')
    expect(stdout).toMatch(/new reports: +4/)
    expect(stdout).toMatch(/rejected: +5/)
    expect(stdout).toMatch(/1 +region "…" not found/)
    expect(stdout).toContain('row 4  (no id)  no source id')
    expect(stdout).toContain('row 7  LPR-007  date "31/02/2025" is not a date')
  })

  // The real entry point, as `npm run sigap -- import lapor FILE` runs it. On PostgreSQL it runs on this
  // test's database; on the embedded database (one process per data folder) on a fresh data folder, twice.
  it('runs as a command', { timeout: 120_000 }, async () => {
    const run = (env: NodeJS.ProcessEnv) =>
      promisify(execFile)('npx', ['tsx', 'server/cli.ts', 'import', 'lapor', CSV, '--batch', '5'], {
        cwd: join(import.meta.dirname, '..'),
        env: { ...process.env, SIGAP_LOG: 'error', ...env },
      })
    if (ON_POSTGRES) {
      const { stdout, stderr } = await run({ DATABASE_URL: (t.db as { url?: string }).url })
      expect(stderr).toContain('lapor: 10/10 rows')
      // The rows the previous test stored are found again, not stored twice.
      expect(stdout).toMatch(/already imported: +5/)
      expect(stdout).toMatch(/new reports: +0/)
      return
    }
    const dir = mkdtempSync(join(tmpdir(), 'sigap-import-'))
    try {
      const env = { DATABASE_URL: '', SIGAP_DATA_DIR: dir }
      const first = await run(env)
      expect(first.stderr).toContain('lapor: 10/10 rows')
      const imported = Number(/new reports: +(\d+)/.exec(first.stdout)?.[1])
      const repeated = Number(/already imported: +(\d+)/.exec(first.stdout)?.[1]) // a row the file holds twice
      expect(imported).toBeGreaterThan(0)
      const second = await run(env)
      expect(second.stdout).toMatch(new RegExp(`already imported: +${imported + repeated}\\b`))
      expect(second.stdout).toMatch(/new reports: +0/)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe('parseDate', () => {
  it.each([
    ['2025-06-12T08:30:00+07:00', '2025-06-12T01:30:00.000Z'],
    ['2025-06-12 08:30', '2025-06-12T01:30:00.000Z'],
    ['12/06/2025', '2025-06-11T17:00:00.000Z'],
    ['1-6-2025 7.05', '2025-06-01T00:05:00.000Z'],
    ['31/02/2025', null],
    ['kemarin', null],
  ])('%s → %s', (input, expected) => {
    expect(parseDate(input, '+07:00')).toBe(expected)
  })
})
