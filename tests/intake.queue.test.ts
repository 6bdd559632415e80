import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { IntakeQueue, IntakeQueueFull } from '../server/reports/intake.queue.js'
import { createTestApp, testConfig, type TestApp } from './helpers/app.js'
import { reportInput, seedTwoKelurahan } from './helpers/factories.js'

/** A promise the test resolves when it chooses: holds a batch in the store meanwhile. */
function gate(): { held: Promise<void>; release: () => void } {
  let release!: () => void
  const held = new Promise<void>((r) => (release = r))
  return { held, release }
}

describe('IntakeQueue', () => {
  it('stores a lone report at once, and gathers the ones that arrive meanwhile into the next batch, answering each in order', async () => {
    const batches: number[][] = []
    const { held: firstHeld, release } = gate()
    const q = new IntakeQueue<number, string>(async (batch) => {
      batches.push(batch)
      if (batches.length === 1) await firstHeld
      return batch.map((n) => `stored ${n}`)
    }, 1, 3)
    const first = q.submit(0)
    const rest = [1, 2, 3, 4].map((n) => q.submit(n))
    expect(batches).toEqual([[0]])
    release()
    expect(await first).toBe('stored 0')
    expect(await Promise.all(rest)).toEqual(['stored 1', 'stored 2', 'stored 3', 'stored 4'])
    // At most 3 a batch; the fourth waited for the next.
    expect(batches).toEqual([[0], [1, 2, 3], [4]])
  })

  it('when a batch fails, stores each of its reports alone, so that only the bad one fails', async () => {
    const batches: number[][] = []
    const { held: firstHeld, release } = gate()
    const q = new IntakeQueue<number, number>(async (batch) => {
      batches.push(batch)
      if (batches.length === 1) await firstHeld
      if (batch.includes(13)) throw new Error('unlucky')
      return batch.map((n) => n * 2)
    }, 1, 10)
    const first = q.submit(1)
    const outcomes = Promise.allSettled([12, 13, 14].map((n) => q.submit(n)))
    release()
    await first
    const settled = await outcomes
    expect(settled.map((s) => (s.status === 'fulfilled' ? s.value : (s.reason as Error).message))).toEqual([24, 'unlucky', 28])
    expect(batches.slice(1)).toEqual([[12, 13, 14], [12], [13], [14]])
  })

  it('refuses a report at once when its waiting line is full, and still stores the ones it took', async () => {
    const { held: firstHeld, release } = gate()
    const stored: number[] = []
    const q = new IntakeQueue<number, number>(async (batch) => {
      if (stored.length === 0) await firstHeld
      stored.push(...batch)
      return batch
    }, 1, 10, 2)
    const taken = [q.submit(0), q.submit(1), q.submit(2)] // 0 is being stored, 1 and 2 wait
    await expect(q.submit(3)).rejects.toBeInstanceOf(IntakeQueueFull)
    release()
    expect(await Promise.all(taken)).toEqual([0, 1, 2])
    // Room again once the line moved.
    expect(await q.submit(4)).toBe(4)
    expect(stored).toEqual([0, 1, 2, 4])
  })
})

describe('a full intake line (database)', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await createTestApp({ config: testConfig({ SIGAP_INTAKE_MAX_WAITING: '1' }) })
    await seedTwoKelurahan(t.db.db)
  })
  afterAll(() => t.close())

  it('answers 503 with Retry-After to the reports beyond it, stores none of them, and every 201 is stored', async () => {
    const bodies = Array.from({ length: 30 }, (_, i) => reportInput({ description: `flood ${i}`, location: { lat: -6.2, lon: 106.8405 + i * 0.0003 } }))
    const answers = await Promise.all(
      bodies.map((b) => t.app.request('/api/reports', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(b) })),
    )
    const busy = answers.filter((a) => a.status === 503)
    const created = answers.filter((a) => a.status === 201)
    expect(busy.length).toBeGreaterThan(0)
    expect(busy.length + created.length).toBe(30)
    expect(busy[0]!.headers.get('retry-after')).toBe('2')
    expect(((await busy[0]!.json()) as { error: { code: string } }).error.code).toBe('busy')
    const ids = await Promise.all(created.map(async (a) => ((await a.json()) as { id: string }).id))
    const stored = await t.db.db.selectFrom('reports').select('id').where('description', 'like', 'flood %').execute()
    expect(stored.map((r) => r.id).sort()).toEqual(ids.sort())
  })
})

describe('intake in batches (database)', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await createTestApp()
    await seedTwoKelurahan(t.db.db)
    // A report the database refuses: stands for any report whose storing fails in the database.
    await sql`CREATE FUNCTION test_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW.description = 'refuse me' THEN RAISE EXCEPTION 'refused by the test'; END IF; RETURN NEW; END $$`.execute(t.db.db)
    await sql`CREATE TRIGGER test_refuse BEFORE INSERT ON reports FOR EACH ROW EXECUTE FUNCTION test_refuse()`.execute(t.db.db)
  })
  afterAll(() => t.close())

  it('stores simultaneous reports each with its own answer, incident and event; one the database refuses fails alone', async () => {
    const bodies = Array.from({ length: 12 }, (_, i) =>
      reportInput({ description: i === 5 ? 'refuse me' : `batch ${i}`, location: { lat: -6.2, lon: 106.8405 + i * 0.0008 } }),
    )
    const answers = await Promise.all(bodies.map((b) => t.json('POST', '/api/reports', b)))
    expect(answers.map((a) => a.status)).toEqual(bodies.map((_, i) => (i === 5 ? 500 : 201)))
    const ok = answers.filter((a) => a.status === 201)
    // 80+ m apart: every report opened an incident of its own, and said so.
    expect(new Set(ok.map((a) => a.body.incident_id)).size).toBe(11)
    expect(ok.every((a) => a.body.incident_new === true)).toBe(true)
    const stored = await t.db.db.selectFrom('reports').select(['id', 'description', 'incident_id']).where('description', 'in', bodies.map((b) => b.description)).execute()
    expect(stored.map((r) => r.description).sort()).toEqual(bodies.filter((_, i) => i !== 5).map((b) => b.description).sort())
    for (const a of ok) expect(stored.find((r) => r.id === a.body.id)?.incident_id).toBe(a.body.incident_id)
    const events = await t.db.db.selectFrom('events').select(['data']).where('type', '=', 'report.created').execute()
    const evIds = new Set(events.map((e) => (e.data as { id: string }).id))
    for (const a of ok) expect(evIds.has(a.body.id)).toBe(true)
  })
})

describe('what a batch works out once (database)', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await createTestApp()
    await seedTwoKelurahan(t.db.db)
    // Routed by kelurahan, so that two reports of one batch in different regions go to different agencies.
    await t.db.db
      .insertInto('routing_rules')
      .values([
        { category_code: 'jalan_rusak', region_code: '31.71.01.1001', agency_code: 'kecamatan' },
        { category_code: 'jalan_rusak', region_code: '31.71.01.1002', agency_code: 'pupr' },
      ])
      .execute()
  })
  afterAll(() => t.close())

  it('resolves a shared claim, names regions, opens disputes and routes each report of a batch for its own point', async () => {
    // The first is stored alone; the three sent meanwhile wait for it and are stored together
    // (PGlite: one connection, so one batch; PostgreSQL may split them, with the same outcome).
    const bodies = [
      reportInput({ description: 'lone, in Alfa', location: { lat: -6.195, lon: 106.842 } }),
      reportInput({ description: 'in Alfa, claims Alfa', claimed_region: 'Alfa', location: { lat: -6.205, lon: 106.843 } }),
      reportInput({ description: 'in Beta, claims Alfa', claimed_region: 'Alfa', location: { lat: -6.205, lon: 106.857 } }),
      reportInput({ description: 'in Beta, claims nothing', location: { lat: -6.197, lon: 106.8575 } }),
    ]
    const answers = await Promise.all(bodies.map((b) => t.json('POST', '/api/reports', b)))
    expect(answers.map((a) => a.status)).toEqual([201, 201, 201, 201])
    const [lone, inAlfa, inBeta, unclaimed] = answers.map((a) => a.body)
    if (t.db.kind === 'pglite') {
      const txids = await t.db.db.selectFrom('events').select(['txid', 'data']).where('type', '=', 'report.created').execute()
      const txOf = (id: string) => txids.find((e) => (e.data as { id: string }).id === id)!.txid
      expect(new Set([inAlfa.id, inBeta.id, unclaimed.id].map(txOf)).size).toBe(1)
      expect(txOf(lone.id)).not.toBe(txOf(inAlfa.id))
    }
    expect(inAlfa.location_check).toMatchObject({ status: 'match', claimed_region: { code: '31.71.01.1001', name: 'Alfa' }, detected_region: { code: '31.71.01.1001', name: 'Alfa' }, dispute_id: null })
    expect(inBeta.location_check).toMatchObject({ status: 'mismatch', claimed_region: { code: '31.71.01.1001', name: 'Alfa' }, detected_region: { code: '31.71.01.1002', name: 'Beta' } })
    expect(unclaimed.location_check).toMatchObject({ status: 'unclaimed', claimed_region: null, detected_region: { code: '31.71.01.1002', name: 'Beta' }, dispute_id: null })
    // A mismatch stays with the claimed region until its dispute is settled, so it is routed there.
    expect([lone, inAlfa, inBeta, unclaimed].map((a) => a.agency_code)).toEqual(['kecamatan', 'kecamatan', 'kecamatan', 'pupr'])
    // Each ticket as routing alone would have routed it.
    const routed = await sql<{ same: boolean }>`
      SELECT (i.agency_code, i.priority, i.is_emergency, i.response_due_at, i.resolve_due_at)
             IS NOT DISTINCT FROM (t.agency_code, t.priority, t.is_emergency, t.response_due_at, t.resolve_due_at) AS same
      FROM incidents i, sigap_ticket_routing(i.category_code, i.region_code, i.routed_at) t
      WHERE i.id = ANY(${`{${answers.map((a) => a.body.incident_id).join(',')}}`}::uuid[])`.execute(t.db.db)
    expect(routed.rows.map((r) => r.same)).toEqual([true, true, true, true])
    // The mismatch's dispute: open, with its history and its event.
    const disputeId = inBeta.location_check.dispute_id as string
    const d = await t.db.db.selectFrom('location_disputes').select(['report_id', 'state', 'claimed_region_code', 'detected_region_code']).where('id', '=', disputeId).executeTakeFirstOrThrow()
    expect(d).toEqual({ report_id: inBeta.id, state: 'open', claimed_region_code: '31.71.01.1001', detected_region_code: '31.71.01.1002' })
    const actions = await t.db.db.selectFrom('dispute_actions').select(['action', 'actor_role', 'data']).where('dispute_id', '=', disputeId).execute()
    expect(actions).toEqual([{ action: 'opened', actor_role: 'system', data: { cause: 'intake' } }])
    const opened = await t.db.db.selectFrom('events').select('data').where('type', '=', 'dispute.opened').execute()
    expect(opened.map((e) => e.data)).toEqual([
      expect.objectContaining({ cause: 'intake', dispute: expect.objectContaining({ id: disputeId, report_id: inBeta.id, incident_id: inBeta.incident_id, claim_text: 'Alfa', state: 'open' }) }),
    ])
  })
})
