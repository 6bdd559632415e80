import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import type { Principal } from '../server/auth/principal.js'
import type { ServerMessage } from '../server/events/ws.protocol.js'
import { startServer, type Running } from '../server/server.js'
import { testConfig } from './helpers/app.js'
import { across, importTestBoundaries, KEMAYORAN, PASEBAN, RAWASARI } from './helpers/boundaries.js'
import { createTestDb } from './helpers/db.js'
import { reportInput } from './helpers/factories.js'
import { HAVE_SHARED } from './helpers/shared-data.js'

let db: Awaited<ReturnType<typeof createTestDb>>
let server: Running

/** A socket signed in as `p` (through the test seam header) that records what it receives. */
async function socketAs(p: Principal) {
  const ws = new WebSocket(`${server.url.replace(/^http/, 'ws')}/ws`, { headers: { 'x-test-principal': JSON.stringify(p) } })
  const got: ServerMessage[] = []
  const waiters = new Set<() => void>()
  ws.on('message', (raw) => {
    got.push(JSON.parse(raw.toString()) as ServerMessage)
    for (const w of waiters) w()
  })
  await new Promise<void>((resolve, reject) => ws.once('open', () => resolve()).once('error', reject))
  const waitFor = (cond: () => boolean) =>
    new Promise<void>((resolve, reject) => {
      if (cond()) return resolve()
      const timer = setTimeout(() => reject(new Error(`timed out; last: ${JSON.stringify(got.slice(-3))}`)), 10_000)
      const check = () => {
        if (!cond()) return
        clearTimeout(timer)
        waiters.delete(check)
        resolve()
      }
      waiters.add(check)
    })
  ws.send(JSON.stringify({ type: 'subscribe' }))
  await waitFor(() => got.some((m) => m.type === 'caught_up'))
  const events = () => got.flatMap((m) => (m.type === 'event' ? [m] : []))
  return {
    events,
    waitFor,
    /** Resolves once the hub has passed this client everything up to `seq` (sent or held back). */
    async passed(seq: number) {
      for (;;) {
        ws.send(JSON.stringify({ type: 'ping' }))
        const before = got.length
        await waitFor(() => got.slice(before).some((m) => m.type === 'pong'))
        const pong = got.slice(before).find((m) => m.type === 'pong') as { seq: number }
        if (pong.seq >= seq) return
        await new Promise((r) => setTimeout(r, 50))
      }
    },
    close: () => ws.terminate(),
  }
}

describe.skipIf(!HAVE_SHARED)('dispute events on the WebSocket', () => {
  beforeAll(async () => {
    db = await createTestDb()
    await importTestBoundaries(db.db)
    server = await startServer(testConfig(), {
      db,
      authenticate: async (h) => {
        const raw = h.get('x-test-principal')
        return raw ? (JSON.parse(raw) as Principal) : null
      },
    })
  })
  afterAll(async () => {
    await server?.close()
    await db?.close()
  })

  it('reach the heads of the two regions and the command room, and never an unrelated head', async () => {
    const paseban = await socketAs({ role: 'region_head', regionCodes: [PASEBAN] })
    const camat = await socketAs({ role: 'region_head', regionCodes: ['31.71.05'] }) // kecamatan Cempaka Putih: Rawasari's
    const kemayoran = await socketAs({ role: 'region_head', regionCodes: [KEMAYORAN] })
    const operator = await socketAs({ role: 'operator' })

    const res = await fetch(`${server.url}/api/reports`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(reportInput({ location: await across(db.db, RAWASARI, PASEBAN, 250, 400), claimed_region: 'Rawasari' })),
    })
    const body = (await res.json()) as { location_check: { dispute_id: string } }
    const disputeId = body.location_check.dispute_id
    expect(disputeId).toBeTruthy()
    const decided = await fetch(`${server.url}/api/disputes/${disputeId}/decide`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-test-principal': JSON.stringify({ role: 'operator' }) },
      body: JSON.stringify({ decision: 'return', reason: 'Mohon alamat lengkap' }),
    })
    expect(decided.status).toBe(200)

    const about = (s: Awaited<ReturnType<typeof socketAs>>) =>
      s.events().filter((e) => e.event.startsWith('dispute.') && (e.data as { dispute: { id: string } }).dispute.id === disputeId).map((e) => e.event)
    for (const s of [paseban, camat, operator]) {
      await s.waitFor(() => about(s).length === 2)
      expect(about(s)).toEqual(['dispute.opened', 'dispute.decided'])
    }
    const lastSeq = Math.max(...operator.events().map((e) => e.seq))
    await kemayoran.passed(lastSeq)
    expect(kemayoran.events().filter((e) => e.event.startsWith('dispute.'))).toEqual([])
    for (const s of [paseban, camat, kemayoran, operator]) s.close()
  })
})
