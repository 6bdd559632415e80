import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { matchPlanFor } from '../server/incidents/incident.intake.js'
import { insertCheckedReports, type NewReport } from '../server/reports/intake.repository.js'
import { createTestDb } from './helpers/db.js'
import { reportInput, seedTwoKelurahan } from './helpers/factories.js'

// PostgreSQL only (two connections): vitest.config.ts includes *.pg.test.ts when DATABASE_URL is set.
// A batch stored set-based (sigap_intake_set) decides which incident each report joins from one
// snapshot; an incident resolved by another transaction meanwhile must not be joined.

let db: Awaited<ReturnType<typeof createTestDb>>
beforeAll(async () => {
  db = await createTestDb()
  await seedTwoKelurahan(db.db)
})
afterAll(() => db?.close())

const newReport = (description: string, lon: number): NewReport => {
  const input = reportInput({ description, location: { lat: -6.2, lon } })
  return { input, idempotencyKey: null, plan: matchPlanFor(input.category, input.location), photoTokenSha256: null }
}
const store = (batch: NewReport[]) => db.db.transaction().execute((trx) => insertCheckedReports(trx, batch, 25))
/** Until some connection to this database waits for a lock another transaction holds. */
async function untilSomeoneWaits() {
  for (let i = 0; i < 200; i++) {
    const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`.execute(db.db)
    if (rows[0]!.n > 0) return
    await new Promise((r) => setTimeout(r, 25))
  }
  throw new Error('nobody waited for a lock')
}

describe('set-based intake against another transaction', () => {
  it('does not join an incident resolved while the batch waited for it: the report opens its own', async () => {
    const [first] = await store([newReport('the pothole', 106.845)])
    const old = first!.incident!.id
    // An operator resolves the incident; their transaction holds its row until told to commit.
    let release!: () => void
    const mayCommit = new Promise<void>((r) => (release = r))
    const resolving = db.db.transaction().execute(async (trx) => {
      await sql`UPDATE incidents SET status = 'resolved', resolved_at = now(), ended_at = now() WHERE id = ${old}`.execute(trx)
      await mayCommit
    })
    // The batch finds the incident open (the operator has not committed) and waits for its row.
    const batch = store([newReport('same pothole', 106.8451), newReport('elsewhere', 106.855)])
    await untilSomeoneWaits()
    release()
    await resolving
    const [same, elsewhere] = await batch
    expect(same!.incident!.id).not.toBe(old)
    expect(same!.incident!.is_new).toBe(true)
    expect(elsewhere!.incident!.is_new).toBe(true)
    const { rows } = await sql<{ report_count: number; status: string }>`SELECT report_count, status FROM incidents WHERE id = ${old}`.execute(db.db)
    expect(rows[0]).toEqual({ report_count: 1, status: 'resolved' })
  })

  it('answers a retry stored by another transaction while its batch waited as the duplicate, and stores the rest of the batch', async () => {
    // Two intake workers: the first submission's batch has written its report and not committed
    // when the retry's batch, which found the key free, tries to write it too.
    let release!: () => void
    const mayCommit = new Promise<void>((r) => (release = r))
    const firstKeyed = { ...newReport('first try', 106.842), idempotencyKey: 'k-race' }
    const first = db.db.transaction().execute(async (trx) => {
      const out = await insertCheckedReports(trx, [firstKeyed], 25)
      await mayCommit
      return out
    })
    await new Promise((r) => setTimeout(r, 100))
    // Sent from elsewhere (its match locks are not the first one's, which would make it wait before looking).
    const retry = store([{ ...newReport('retry', 106.852), idempotencyKey: 'k-race' }, newReport('another', 106.857)])
    await untilSomeoneWaits()
    release()
    const [[stored], [dup, another]] = await Promise.all([first, retry])
    expect(stored).not.toBeNull()
    expect(dup).toBeNull()
    expect(another!.report.description).toBe('another')
    const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM reports WHERE idempotency_key = 'k-race'`.execute(db.db)
    expect(rows[0]!.n).toBe(1)
  })
})
