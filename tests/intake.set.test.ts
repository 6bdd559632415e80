import { sql, type Transaction } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Database } from '../server/db/database.js'
import { matchPlanFor } from '../server/incidents/incident.intake.js'
import { intakeItems, type NewReport } from '../server/reports/intake.repository.js'
import type { IntakeRow } from '../server/reports/intake.outcome.js'
import type { ReportInput } from '../server/reports/report.schema.js'
import { createTestApp, type TestApp } from './helpers/app.js'
import { reportInput, seedTwoKelurahan } from './helpers/factories.js'

// A batch of reports is stored set-based (sigap_intake_set) when no report's outcome depends on
// another's, and one report at a time otherwise (migrations/functions/intake.sql). Both ways
// must store the same rows and answer the same outcomes.

let t: TestApp
beforeAll(async () => {
  t = await createTestApp()
  await seedTwoKelurahan(t.db.db) // Alfa: lon 106.84-106.85, Beta: 106.85-106.86 (lat -6.21 to -6.19)
})
afterAll(() => t.close())

const TOL = 25
const newReport = (input: ReportInput, extra: Partial<NewReport> = {}): NewReport => ({
  input,
  idempotencyKey: null,
  plan: matchPlanFor(input.category, input.location),
  photoTokenSha256: null,
  ...extra,
})

class Undo extends Error {}
/** Runs `work` in a transaction that is rolled back afterwards; answers what it answered. */
async function rolledBack<T>(work: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
  let out: T | undefined
  await t.db.db
    .transaction()
    .execute(async (trx) => {
      out = await work(trx)
      throw new Undo()
    })
    .catch((e: unknown) => {
      if (!(e instanceof Undo)) throw e
    })
  return out as T
}

const oneByOne = (trx: Transaction<Database>) => sql`SELECT set_config('sigap.intake_one_by_one', 'on', true)`.execute(trx)
const intakeReports = async (trx: Transaction<Database>, batch: NewReport[]) =>
  (await sql<IntakeRow>`SELECT * FROM sigap_intake_reports(${JSON.stringify(intakeItems(batch))}::jsonb, ${TOL}::float8)`.execute(trx)).rows
const intakeSet = async (trx: Transaction<Database>, batch: NewReport[]) =>
  (await sql<IntakeRow>`SELECT * FROM sigap_intake_set(${JSON.stringify(intakeItems(batch))}::jsonb, ${TOL}::float8)`.execute(trx)).rows

/** Every row the transaction wrote, ids replaced by the order they are first seen in, times by how far from now. */
async function written(trx: Transaction<Database>, answer: IntakeRow[]) {
  const { rows: [clock] } = await sql<{ now: Date }>`SELECT now() AS now`.execute(trx)
  // Table: when its row was written, and an order that does not depend on random ids.
  const since = {
    reports: ['received_at', 'description'],
    incidents: ['created_at', 'ST_X(location)'],
    ticket_events: ['at', 'id'],
    location_disputes: ['opened_at', 'ST_X(location)'],
    dispute_actions: ['at', 'id'],
  } as const
  const tables: Record<string, unknown[]> = {}
  for (const [table, [at, order]] of Object.entries(since)) {
    const { rows } = await sql<Record<string, unknown>>`SELECT * FROM ${sql.table(table)} WHERE ${sql.ref(at)} = now() ORDER BY ${sql.raw(order)}`.execute(trx)
    // Serial ids differ between the two runs by the rows the first one rolled back.
    tables[table] = rows.map(({ id, ...rest }) => (order === 'id' ? rest : { id, ...rest }))
  }
  for (const table of ['report_photo_tokens', 'report_contact_consents']) {
    tables[table] = (await sql<Record<string, unknown>>`SELECT x.* FROM ${sql.table(table)} x JOIN reports r ON r.id = x.report_id WHERE r.received_at = now() ORDER BY r.description`.execute(trx)).rows
  }
  const labels = new Map<string, string>()
  const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/
  const norm = (v: unknown): unknown => {
    if (typeof v === 'string' && uuid.test(v)) {
      if (!labels.has(v)) labels.set(v, `#${labels.size}`)
      return labels.get(v)
    }
    // Due times are counted from now (the two runs' now differ); other times are as sent.
    if (v instanceof Date) return +v === +clock!.now ? 'now' : +v > +clock!.now ? `now + ${+v - +clock!.now} ms` : v.toISOString()
    if (Array.isArray(v)) return v.map(norm)
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, norm(x)]))
    return v
  }
  return { answer: norm(answer), tables: norm(tables) }
}

// Lon 106.840-106.860: far enough apart (> 100 m) that no two can share an incident.
const at = (lon: number, lat = -6.2) => ({ lat, lon })
function variedBatch(): NewReport[] {
  return [
    newReport(reportInput({ description: 'a match', location: at(106.841), claimed_region: 'Alfa', reporter: { name: 'Siti', phone: '+6281234567890', private: true, notify: true, notify_via: 'whatsapp' } }), { photoTokenSha256: 'a'.repeat(64) }),
    newReport(reportInput({ description: 'b mismatch', location: at(106.855), claimed_region: 'Alfa' })),
    newReport(reportInput({ description: 'c unknown claim', location: at(106.843), claimed_region: 'Zulu' }), { idempotencyKey: 'key-c' }),
    newReport(reportInput({ description: 'd whatsapp', channel: 'whatsapp', external_id: 'wa-1', location: at(106.858), category: 'sampah' })),
    newReport(reportInput({ description: 'e not matched', location: at(106.846) }), { plan: null }),
    newReport(reportInput({ description: 'f joins', location: at(106.8481, -6.1999), reported_at: '2026-12-01T01:00:00.000Z' })),
    newReport(reportInput({ description: 'g outside', location: at(106.9, -6.3), claimed_region: 'Beta' })),
  ]
}
/** The incident report f joins, opened before the batch (committed as far as the batch can tell). */
const existing = () => newReport(reportInput({ description: 'existing', location: at(106.848, -6.2) }))

describe('set-based intake', () => {
  it('stores a batch whose reports are independent exactly as one report at a time would', async () => {
    const oneAtATime = await rolledBack(async (trx) => {
      await intakeReports(trx, [existing()])
      await oneByOne(trx)
      return written(trx, await intakeReports(trx, variedBatch()))
    })
    const setBased = await rolledBack(async (trx) => {
      await intakeReports(trx, [existing()])
      const rows = await intakeSet(trx, variedBatch())
      expect(rows.length).toBe(7) // the batch was taken set-based, not handed back
      return written(trx, rows)
    })
    expect(setBased).toEqual(oneAtATime)
    // What the comparison covers: a report that joined, opened incidents with their tickets, a dispute, a private reporter's consent and photo token.
    const answer = setBased.answer as { description?: string; incident_new: boolean | null; i_report_count: number | null; dispute_id: string | null; location_status: string }[]
    expect(answer.map((a) => a.incident_new)).toEqual([true, true, true, true, null, false, true])
    expect(answer[5]!.i_report_count).toBe(2)
    expect(answer.map((a) => a.location_status)).toEqual(['match', 'mismatch', 'unknown_claim', 'unclaimed', 'unclaimed', 'unclaimed', 'outside'])
    expect(answer.filter((a) => a.dispute_id !== null).length).toBe(1)
    const tables = setBased.tables as Record<string, unknown[]>
    expect(tables.reports!.length).toBe(8) // the existing report as well: one transaction, one now()
    expect(tables.report_photo_tokens!.length).toBe(1)
    expect(tables.report_contact_consents).toEqual([expect.objectContaining({ via: 'whatsapp' })])
    expect(tables.dispute_actions!.length).toBe(1)
  })

  it('hands back, writing nothing, a batch whose reports could share an incident or repeat a key; one at a time gets it right', async () => {
    const near = () => [newReport(reportInput({ description: 'near 1', location: at(106.8411) })), newReport(reportInput({ description: 'near 2', location: at(106.8412) }))]
    const sameKey = () => [newReport(reportInput({ description: 'key 1', location: at(106.842) }), { idempotencyKey: 'k-same' }), newReport(reportInput({ description: 'key 2', location: at(106.852) }), { idempotencyKey: 'k-same' })]
    const sameExternal = () => [newReport(reportInput({ description: 'ext 1', channel: 'whatsapp', external_id: 'wa-9', location: at(106.842) })), newReport(reportInput({ description: 'ext 2', channel: 'whatsapp', external_id: 'wa-9', location: at(106.852) }))]
    for (const batch of [near, sameKey, sameExternal]) {
      await rolledBack(async (trx) => {
        expect(await intakeSet(trx, batch())).toEqual([])
        const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM reports WHERE received_at = now()`.execute(trx)
        expect(rows[0]!.n).toBe(0)
      })
    }
    await rolledBack(async (trx) => {
      const rows = await intakeReports(trx, near())
      expect(rows.map((r) => r.outcome)).toEqual(['stored', 'stored'])
      expect(rows[1]!.i_id).toBe(rows[0]!.i_id)
      expect(rows.map((r) => r.i_report_count)).toEqual([1, 2])
    })
    for (const batch of [sameKey, sameExternal]) {
      await rolledBack(async (trx) => {
        expect((await intakeReports(trx, batch())).map((r) => r.outcome)).toEqual(['stored', 'duplicate'])
      })
    }
  })

  it('hands back a batch with a key stored before, or two reports near one incident', async () => {
    await rolledBack(async (trx) => {
      await intakeReports(trx, [newReport(reportInput({ description: 'first', location: at(106.844) }), { idempotencyKey: 'k-old' })])
      const retry = [newReport(reportInput({ description: 'retry', location: at(106.844) }), { idempotencyKey: 'k-old' }), newReport(reportInput({ description: 'other', location: at(106.856) }))]
      expect(await intakeSet(trx, retry)).toEqual([])
      expect((await intakeReports(trx, retry)).map((r) => r.outcome)).toEqual(['duplicate', 'stored'])
    })
    await rolledBack(async (trx) => {
      const [first] = await intakeReports(trx, [newReport(reportInput({ description: 'hub', location: at(106.8445) }))])
      // 20 m either side of the incident: the first to join moves it 10 m towards itself.
      const two = () => [newReport(reportInput({ description: 'west', location: at(106.84432) })), newReport(reportInput({ description: 'east', location: at(106.84468) }))]
      expect(await intakeSet(trx, two())).toEqual([])
      const rows = await intakeReports(trx, two())
      expect(rows.map((r) => r.i_id)).toEqual([first!.i_id, first!.i_id])
      expect(rows.map((r) => r.i_report_count)).toEqual([2, 3])
    })
  })
})
