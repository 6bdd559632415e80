import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { startServer, type Running } from '../server/server.js'
import { createTestDb } from './helpers/db.js'
import { testConfig } from './helpers/app.js'
import { reportInput } from './helpers/factories.js'
import { TestSocket } from './helpers/ws-client.js'

let db: Awaited<ReturnType<typeof createTestDb>>
let server: Running

async function post(base: string, body: unknown) {
  const res = await fetch(`${base}/api/reports`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
  expect(res.status).toBe(201)
  return (await res.json()) as { id: string }
}

beforeAll(async () => {
  db = await createTestDb()
  server = await startServer(testConfig(), { db })
})
afterAll(async () => {
  await server?.close()
  await db?.close()
})

describe('GET /ws', () => {
  it('pushes report.created to a connected screen', async () => {
    const sock = await TestSocket.open(server.url)
    const { id } = await post(server.url, reportInput({ description: 'Pohon tumbang di jalan' }))
    await sock.waitFor(() => sock.events().some((e) => (e.data as { id: string }).id === id))
    const ev = sock.events().find((e) => (e.data as { id: string }).id === id)!
    expect(ev.event).toBe('report.created')
    expect(ev.seq).toBeGreaterThan(0)
    sock.close()
  })

  it('replays exactly the missed events to a screen that reconnects with since', async () => {
    const first = await TestSocket.open(server.url)
    const a = await post(server.url, reportInput())
    await first.waitFor(() => first.events().some((e) => (e.data as { id: string }).id === a.id))
    const lastSeen = first.events().at(-1)!.seq
    first.close()

    const missed = []
    for (let i = 0; i < 5; i++) missed.push((await post(server.url, reportInput())).id)

    const again = await TestSocket.open(server.url, lastSeen)
    const replayed = again.events()
    // Intake also logs incident and ticket events; the reports themselves must come back exactly.
    const reports = replayed.filter((e) => e.event === 'report.created')
    expect(reports.map((e) => (e.data as { id: string }).id)).toEqual(missed)
    expect(replayed.every((e) => e.seq > lastSeen)).toBe(true)
    // in order, each once
    expect(replayed.map((e) => e.seq)).toEqual([...new Set(replayed.map((e) => e.seq))].sort((x, y) => x - y))

    // and the live stream continues after the replay
    const live = await post(server.url, reportInput())
    await again.waitFor(() => again.events().some((e) => (e.data as { id: string }).id === live.id))
    again.close()
  })

  it('cuts off a screen that stops reading, before its unsent data piles up, and keeps serving the others', async () => {
    // A live screen that stops reading (a frozen browser tab). A replay waits for such a screen
    // instead (access.ws: it paces itself to a slow reader); live events go out to every screen
    // at once, so one that does not read is cut off rather than have them pile up in the server.
    const stalled = new WebSocket(server.url.replace(/^http/, 'ws') + '/ws')
    await new Promise((resolve, reject) => stalled.once('open', resolve).once('error', reject))
    const caughtUp = new Promise<void>((resolve) => stalled.on('message', (m) => JSON.parse(String(m)).type === 'caught_up' && resolve()))
    stalled.send(JSON.stringify({ type: 'subscribe' }))
    await caughtUp
    const healthy = await TestSocket.open(server.url)
    stalled.pause()
    const closed = new Promise<number>((resolve) => stalled.once('close', (code) => resolve(code)))

    // 16 MB of events in 8 transactions, each read by the healthy screen before the next: more
    // than the kernel's socket buffers take (4 MB to send on Linux; a receiver that does not
    // read grows none), so the rest would wait in the server for the screen that does not read.
    for (let i = 0; i < 8; i++) {
      const { seq } = (
        await sql<{ seq: number }>`WITH e AS (INSERT INTO events (type, data)
          SELECT 'catalogue.changed', jsonb_build_object('what', 'padding', 'pad', repeat('x', 40000)) FROM generate_series(1, 50) RETURNING seq)
          SELECT max(seq)::int AS seq FROM e`.execute(db.db)
      ).rows[0]!
      await healthy.waitFor(() => healthy.events().some((e) => e.seq === seq), 30_000)
    }
    const { id } = await post(server.url, reportInput())
    await healthy.waitFor(() => healthy.events().some((e) => (e.data as { id: string }).id === id))
    // Read now: what the kernel held, then the server's close (4008: reconnect and resume), not all 16 MB.
    stalled.resume()
    const code = await Promise.race([closed, new Promise((r) => setTimeout(() => r('still open'), 10_000))])
    expect(code).toBe(4008)
    stalled.terminate()
    healthy.close()
  })

  it('answers a malformed message with an error and stays open', async () => {
    const sock = await TestSocket.open(server.url)
    sock.ws.send(JSON.stringify({ type: 'subscribe', since: -4 }))
    await sock.waitFor((m) => m.some((x) => x.type === 'error'))
    const { id } = await post(server.url, reportInput())
    await sock.waitFor(() => sock.events().some((e) => (e.data as { id: string }).id === id))
    sock.close()
  })
})
