import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServer, type Running } from '../server/server.js'
import { testConfig } from './helpers/app.js'
import { createTestDb } from './helpers/db.js'
import { seedTwoKelurahan } from './helpers/factories.js'
import { ALFA, spotIn } from './helpers/tickets.js'
import { TestSocket } from './helpers/ws-client.js'

let db: Awaited<ReturnType<typeof createTestDb>>
let server: Running
let clock = new Date()

beforeAll(async () => {
  db = await createTestDb()
  await seedTwoKelurahan(db.db)
  // The checker runs on the test's clock, and only when the test says (a long period).
  server = await startServer(testConfig(), { db, slaClock: () => clock, slaIntervalMs: 3_600_000 })
})
afterAll(async () => {
  await server?.close()
  await db?.close()
})

describe('SLA breach on the wall', () => {
  it('pushes the breach of an emergency ticket to a connected screen when its clock runs out', async () => {
    const sock = await TestSocket.open(server.url)
    const res = await fetch(`${server.url}/api/reports`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ channel: 'call_center', category: 'darurat_medis', description: 'Warga pingsan', location: spotIn(ALFA) }),
    })
    const { incident_id } = (await res.json()) as { incident_id: string }
    await sock.waitFor(() => sock.events().some((e) => e.event === 'ticket.routed'))
    const routed = sock.events().find((e) => e.event === 'ticket.routed')!.data as { ticket: { sla: { response_due_at: string } } }
    const due = Date.parse(routed.ticket.sla.response_due_at) // 10 minutes for a medical emergency

    clock = new Date(due - 1000)
    expect(await server.sla.tick()).toMatchObject({ response_breaches: 0 })
    clock = new Date(due + 1000)
    expect(await server.sla.tick()).toMatchObject({ response_breaches: 1 })
    await sock.waitFor(() => sock.events().some((e) => e.event === 'ticket.sla_breached'))
    const ev = sock.events().find((e) => e.event === 'ticket.sla_breached')!
    expect(ev.data).toMatchObject({ sla: 'response', ticket: { id: incident_id, is_emergency: true, sla: { response_breached: true } } })
    sock.close()
  })
})
