import { parse } from 'csv-parse/sync'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, signIn, type TestApp } from './helpers/app.js'
import { reportInput, seedTwoKelurahan } from './helpers/factories.js'
import { ALFA, BETA, spotIn } from './helpers/tickets.js'

/**
 * Leadership's headline: how many reports each channel brings (WhatsApp, call center 112,
 * SP4N-LAPOR!, walk-ins...) and how many of them were hoaxes or pranks, in the review, its CSV
 * and its PDF.
 */
let t: TestApp
let operator: Record<string, string>, leadership: Record<string, string>

async function report(channel: string, region: typeof ALFA | typeof BETA = ALFA) {
  const res = await t.json('POST', '/api/reports', reportInput({ channel: channel as never, external_id: `${channel}-${Math.random()}`, location: spotIn(region), reporter: { name: 'Rahasia Sekali', phone: '+628111222333', private: true } }), operator)
  expect(res.status).toBe(201)
  return res.body.incident_id as string
}

beforeAll(async () => {
  t = await createTestApp()
  await seedTwoKelurahan(t.db.db)
  operator = (await signIn(t, 'operator')).headers
  leadership = (await signIn(t, 'leadership')).headers
  for (let i = 0; i < 3; i++) await report('whatsapp')
  const hoax = await report('whatsapp', BETA)
  const prank = await report('call_center')
  await report('call_center', BETA)
  await report('lapor')
  await report('walk_in', BETA)
  expect((await t.json('POST', `/api/tickets/${hoax}/transition`, { to: 'rejected', reason: 'Laporan hoaks, foto lama' }, operator)).status).toBe(200)
  expect((await t.json('POST', `/api/tickets/${prank}/transition`, { to: 'rejected', reason: 'Telepon iseng anak-anak' }, operator)).status).toBe(200)
})
afterAll(() => t.close())

describe('channel statistics', () => {
  it('takes walk-in reports as a channel of their own, and refuses an unknown one', async () => {
    const bad = await t.json('POST', '/api/reports', reportInput({ channel: 'pigeon' as never }), operator)
    expect(bad.status).toBe(422)
    expect(bad.body.error.issues[0].field).toBe('channel')
  })

  it('counts reports per channel with their rejected hoaxes and pranks in the review summary', async () => {
    const r = await t.json('GET', '/api/review/summary?period=week', undefined, leadership)
    expect(r.status).toBe(200)
    const by = Object.fromEntries(r.body.channels.map((c: { channel: string }) => [c.channel, c]))
    expect(r.body.channels.map((c: { channel: string }) => c.channel)).toEqual(['whatsapp', 'call_center', 'lapor', 'walk_in'])
    expect(by.whatsapp).toMatchObject({ reports: 4, rejected: 1, rejected_hoax: 1, rejected_prank: 0 })
    expect(by.call_center).toMatchObject({ reports: 2, rejected: 1, rejected_hoax: 0, rejected_prank: 1 })
    expect(by.walk_in).toMatchObject({ reports: 1, rejected: 0 })
    expect(JSON.stringify(r.body.channels)).not.toContain('Rahasia')
  })

  it('puts the same figures in the CSV and on a page of the PDF', async () => {
    const csv = await (await t.app.request('/api/review/report.csv?period=week', { headers: leadership })).text()
    const rows = (parse(csv, { relax_column_count: true }) as string[][]).filter((x) => x[0] === 'channels')
    expect(rows[0]).toEqual(['channels', 'channel', 'reports', 'tickets', 'resolved', 'late', 'rejected', 'rejected_hoax', 'rejected_prank'])
    expect(rows.find((x) => x[1] === 'call_center')).toEqual(['channels', 'call_center', '2', '2', '0', '0', '1', '0', '1'])
    const pdf = Buffer.from(await (await t.app.request('/api/review/report.pdf?period=week&compress=0', { headers: leadership })).arrayBuffer())
    const text = [...pdf.toString('latin1').matchAll(/\[([^\]]*)\]\s*TJ/g)]
      .map((m) => [...m[1]!.matchAll(/<([0-9a-fA-F]*)>/g)].map((h) => Buffer.from(h[1]!, 'hex').toString('latin1')).join(''))
      .join('\n')
    for (const s of ['Laporan per saluran', 'WhatsApp', 'Call center 112', 'SP4N-LAPOR!', 'Datang langsung', 'Hoaks', 'Iseng/prank', '50,0%']) expect(text).toContain(s)
    expect(text).not.toContain('Rahasia')
  })
})
