import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import type { Principal } from '../server/auth/principal.js'
import { latestSeq } from '../server/events/event.repository.js'
import type { ServerMessage } from '../server/events/ws.protocol.js'
import { startServer, type Running } from '../server/server.js'
import { testConfig } from './helpers/app.js'
import { createTestDb } from './helpers/db.js'
import { reportInput, seedTwoKelurahan } from './helpers/factories.js'
import { ALFA, BETA, spotIn } from './helpers/tickets.js'

/**
 * The scope stored with each event, end to end: an agency's socket and a region head's get only
 * their tickets' events, live and on replay (the replay filters in its query), while the command
 * room gets all of them. Nothing is remembered per process: a fresh server replays the same.
 */
let db: Awaited<ReturnType<typeof createTestDb>>
let server: Running

type EventMsg = Extract<ServerMessage, { type: 'event' }>

async function socketAs(p: Principal, since?: number) {
  const ws = new WebSocket(`${server.url.replace(/^http/, 'ws')}/ws`, { headers: { 'x-test-principal': JSON.stringify(p) } })
  const got: ServerMessage[] = []
  ws.on('message', (raw) => got.push(JSON.parse(raw.toString()) as ServerMessage))
  await new Promise<void>((resolve, reject) => ws.once('open', () => resolve()).once('error', reject))
  const until = async (cond: () => boolean) => {
    for (let i = 0; !cond(); i++) {
      if (i > 600) throw new Error(`timed out; last: ${JSON.stringify(got.slice(-3))}`)
      await new Promise((r) => setTimeout(r, 50))
    }
  }
  await until(() => got.some((m) => m.type === 'hello'))
  ws.send(JSON.stringify(since === undefined ? { type: 'subscribe' } : { type: 'subscribe', since }))
  await until(() => got.some((m) => m.type === 'caught_up'))
  return {
    events: () => got.filter((m): m is EventMsg => m.type === 'event'),
    /** Resolves once the hub has passed this socket everything up to `seq` (sent or held back). */
    async passed(seq: number) {
      for (;;) {
        const before = got.length
        ws.send(JSON.stringify({ type: 'ping' }))
        await until(() => got.slice(before).some((m) => m.type === 'pong'))
        if ((got.slice(before).find((m) => m.type === 'pong') as { seq: number }).seq >= seq) return
        await new Promise((r) => setTimeout(r, 50))
      }
    },
    close: () => ws.terminate(),
  }
}

/** The incidents and reports an event is about, by the ids its payload carries. */
function about(e: EventMsg): string[] {
  const d = e.data as Record<string, { id?: string } | string | undefined>
  const ids = [d.incident_id, (d.incident as { id?: string } | undefined)?.id, (d.ticket as { id?: string } | undefined)?.id]
  if (e.event === 'report.created') ids.push(d.id as string)
  return ids.filter((x): x is string => typeof x === 'string')
}

async function post(category: string, region: typeof ALFA | typeof BETA) {
  const res = await fetch(`${server.url}/api/reports`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(reportInput({ category, location: spotIn(region) })),
  })
  expect(res.status).toBe(201)
  const body = (await res.json()) as { id: string; incident_id: string }
  const row = await db.db.selectFrom('incidents').select('agency_code').where('id', '=', body.incident_id).executeTakeFirstOrThrow()
  return { report: body.id, incident: body.incident_id, agency: row.agency_code! }
}

describe('event scope on the WebSocket', () => {
  beforeAll(async () => {
    db = await createTestDb()
    await seedTwoKelurahan(db.db)
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

  it("gives an agency officer and a region head only their tickets' events, live and on replay", async () => {
    const start = await latestSeq(db.db)
    const road = await post('jalan_rusak', ALFA) // before the sockets: reaches them by replay only
    const waste = await post('sampah', BETA)
    expect(road.agency).not.toBe(waste.agency)
    const roads = { role: 'field_officer', agencyCode: road.agency } satisfies Principal
    const beta = { role: 'region_head', regionCodes: [BETA] } satisfies Principal

    const liveRoads = await socketAs(roads)
    const liveBeta = await socketAs(beta)
    const road2 = await post('jalan_rusak', ALFA) // after: live
    const waste2 = await post('sampah', BETA)
    const last = await latestSeq(db.db)
    await liveRoads.passed(last)
    await liveBeta.passed(last)

    const mine = (xs: { report: string; incident: string }[]) => new Set(xs.flatMap((x) => [x.report, x.incident]))
    const roadIds = mine([road, road2])
    const wasteIds = mine([waste, waste2])
    const check = (events: EventMsg[], own: Set<string>, others: Set<string>, want: { report: string; incident: string }[]) => {
      expect(events.length).toBeGreaterThan(0)
      // Events about no place (hotspots, from the server's own scheduler) go to everyone.
      for (const e of events.filter((x) => !['hotspots.updated', 'locations.rechecked', 'catalogue.changed'].includes(x.event))) {
        const ids = about(e)
        expect(ids.some((id) => own.has(id)), `${e.event} ${JSON.stringify(ids)} is theirs`).toBe(true)
        expect(ids.some((id) => others.has(id)), `${e.event} is not another's`).toBe(false)
      }
      for (const w of want) {
        expect(events.some((e) => e.event === 'report.created' && about(e).includes(w.report))).toBe(true)
        expect(events.some((e) => e.event === 'incident.created' && about(e).includes(w.incident))).toBe(true)
        expect(events.some((e) => e.event === 'ticket.routed' && about(e).includes(w.incident))).toBe(true)
      }
    }
    check(liveRoads.events(), roadIds, wasteIds, [road2])
    check(liveBeta.events(), wasteIds, roadIds, [waste2])

    // Replay of everything since before the first report, on new sockets.
    const replayRoads = await socketAs(roads, start)
    const replayBeta = await socketAs(beta, start)
    check(replayRoads.events(), roadIds, wasteIds, [road, road2])
    check(replayBeta.events(), wasteIds, roadIds, [waste, waste2])
    // The command room sees both agencies' events, in full.
    const room = await socketAs({ role: 'operator' }, start)
    const seen = new Set(room.events().flatMap(about))
    for (const id of [...roadIds, ...wasteIds]) expect(seen.has(id)).toBe(true)
    for (const s of [liveRoads, liveBeta, replayRoads, replayBeta, room]) s.close()
  }, 120_000)
})
