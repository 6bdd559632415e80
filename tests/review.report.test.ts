import { parse } from 'csv-parse/sync'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { clearOfWibMidnight, wibMidnightWaitMs } from './helpers/clock.js'
import { createTestApp, signIn, type TestApp } from './helpers/app.js'
import { reportInput, seedTwoKelurahan } from './helpers/factories.js'
import { newTicket } from './helpers/tickets.js'

let t: TestApp
let leadership: Record<string, string>
let operator: Record<string, string>
const SECRET = { name: 'Rahasia Sekali', phone: '+62 811 0000 1234' }
const HOT = { lat: -6.196, lon: 106.846 }
let hotIncident = ''

/** Gives a ticket known lifecycle times, counted from three days ago (as if it had lived through them). */
async function lived(id: string, f: { respond?: number; resolve?: number; resolveDue?: number }) {
  const created = new Date(Date.now() - 3 * 86_400_000)
  const at = (min: number | undefined) => (min === undefined ? null : new Date(created.getTime() + min * 60_000))
  const resolved = at(f.resolve)
  await sql`
    UPDATE incidents SET created_at = ${created}, first_response_at = ${at(f.respond)}, resolved_at = ${resolved}, ended_at = ${resolved},
      status = ${resolved ? 'resolved' : f.respond !== undefined ? 'in_progress' : 'new'},
      resolve_due_at = ${at(f.resolveDue ?? 14_400)}, response_due_at = ${at(4_320)}
    WHERE id = ${id}::uuid`.execute(t.db.db)
}

/** WinAnsi bytes 0x80-0x9f that differ from Latin-1 and that the report uses (dashes, bullet). */
const WIN_ANSI: Record<number, string> = { 0x95: '•', 0x96: '–', 0x97: '—' }

/** The text a PDF shows, read back from its (uncompressed) content streams: pdfkit writes hex strings in TJ arrays. */
function pdfText(pdf: Buffer): string {
  const raw = pdf.toString('latin1')
  const out: string[] = []
  for (const m of raw.matchAll(/\[([^\]]*)\]\s*TJ/g)) {
    const bytes = [...m[1]!.matchAll(/<([0-9a-fA-F]*)>/g)].flatMap((h) => [...Buffer.from(h[1]!, 'hex')])
    out.push(bytes.map((b) => WIN_ANSI[b] ?? String.fromCharCode(b)).join(''))
  }
  return out.join('\n')
}

async function get(path: string, headers: Record<string, string>) {
  const res = await t.app.request(path, { headers })
  return { status: res.status, type: res.headers.get('content-type') ?? '', disposition: res.headers.get('content-disposition') ?? '', body: Buffer.from(await res.arrayBuffer()) }
}

beforeAll(async () => {
  // The summary counts the reports below as today's.
  await clearOfWibMidnight(1, 0)
  t = await createTestApp()
  await seedTwoKelurahan(t.db.db)
  leadership = (await signIn(t, 'leadership')).headers
  operator = (await signIn(t, 'operator')).headers
  // Twelve reports of one damaged road (a hotspot, one ticket), one from a private reporter.
  for (let i = 0; i < 12; i++) {
    const res = await t.json('POST', '/api/reports', reportInput({
      channel: (['app', 'whatsapp', 'call_center', 'lapor'] as const)[i % 4],
      location: { lat: HOT.lat + (i % 3) * 0.00005, lon: HOT.lon + Math.floor(i / 3) * 0.00005 },
      ...(i === 5 ? { reporter: { ...SECRET, private: true } } : {}),
    }))
    expect(res.status).toBe(201)
    hotIncident = res.body.incident_id
  }
  const t2 = await newTicket(t, '31.71.01.1001')
  const t3 = await newTicket(t, '31.71.01.1002')
  const t4 = await newTicket(t, '31.71.01.1002')
  for (const loc of [{ lat: -6.208, lon: 106.852 }, { lat: -6.192, lon: 106.858 }]) {
    expect((await t.json('POST', '/api/reports', reportInput({ category: 'banjir', location: loc }))).status).toBe(201)
  }
  // PUPR: responses after 30, 90 and 60 min; resolutions after 600 (in time) and 1500 min (due at 720: late).
  await lived(hotIncident, { respond: 30, resolve: 600 })
  await lived(t2, { respond: 90, resolve: 1500, resolveDue: 720 })
  await lived(t3, { respond: 60 })
  await lived(t4, {})
  // Two citizens rate the road repair by phone (4 and 5); two SKM surveys for PUPR (all 4s, all 3s).
  const reports = (await t.json('GET', `/api/tickets/${hotIncident}`, undefined, operator)).body.reports as { id: string }[]
  for (const [i, score] of [4, 5].entries()) {
    const r = await t.json('POST', `/api/tickets/${hotIncident}/ratings`, { report_id: reports[i]!.id, score }, operator)
    expect(r.status).toBe(201)
  }
  for (const s of [4, 3]) {
    expect((await t.json('POST', '/api/skm/responses', { agency_code: 'pupr', scores: new Array(10).fill(s) }, operator)).status).toBe(201)
  }
}, 120_000 + wibMidnightWaitMs(1, 0))
afterAll(() => t.close())

describe('the periodic report', () => {
  it('CSV: the figures of the data made, per agency, category, region and hotspot', async () => {
    const res = await get('/api/review/report.csv?period=week', leadership)
    expect(res.status).toBe(200)
    expect(res.type).toContain('text/csv')
    expect(res.disposition).toMatch(/attachment; filename="sigap-laporan-\d{4}-\d\d-\d\d_\d{4}-\d\d-\d\d\.csv"/)
    const text = res.body.toString('utf8')
    expect(text).not.toContain(SECRET.name)
    expect(text).not.toContain('0000 1234')
    const rows = parse(text, { relax_column_count: true }) as string[][]
    const section = (name: string) => {
      const [header, ...body] = rows.filter((r) => r[0] === name)
      return body.map((r) => Object.fromEntries(header!.slice(1).map((h, i) => [h, r[i + 1]!])))
    }
    const summary = Object.fromEntries(section('summary').map((r) => [r.metric, r.value]))
    expect(summary).toMatchObject({ reports: '17', tickets: '6', resolved: '2', ratings: '2', rating_mean: '4.5' })

    const pupr = section('agencies').find((a) => a.agency_code === 'pupr')
    // Responses 30, 60, 90 -> median 60; resolutions 600, 1500 -> median 1050, one of two in time.
    expect(pupr).toMatchObject({
      received: '4', resolved: '2', backlog: '2', response_p50_min: '60', resolve_p50_min: '1050', share_within_sla: '0.5',
      rating_mean: '4.5', ratings: '2', skm_index: '87.5', skm_grade: 'B', skm_respondents: '2',
    })
    const bpbd = section('agencies').find((a) => a.agency_code === 'bpbd')
    expect(bpbd).toMatchObject({ received: '2', resolved: '0', backlog: '2', response_p50_min: '', skm_index: '' })

    expect(section('categories').map((c) => [c.category_code, c.reports])).toEqual([['jalan_rusak', '15'], ['banjir', '2']])
    // Alfa: the 12 road reports and one more; Beta: two roads, two floods.
    expect(section('regions').map((r) => [r.region_name, r.reports])).toEqual([['Alfa', '13'], ['Beta', '4']])
    const hotspots = section('hotspots')
    expect(hotspots).toHaveLength(1)
    expect(hotspots[0]).toMatchObject({ reports: '12', main_category: 'jalan_rusak', regions: 'Alfa' })
    expect(Number(hotspots[0]!.centre_lat)).toBeCloseTo(HOT.lat, 3)
  })

  it('PDF: four pages with the map, the figures, the agency and the channel tables; no private reporter', async () => {
    const res = await get('/api/review/report.pdf?period=week&compress=0', leadership)
    expect(res.status).toBe(200)
    expect(res.type).toBe('application/pdf')
    expect(res.body.subarray(0, 5).toString('latin1')).toBe('%PDF-')
    const raw = res.body.toString('latin1')
    expect(raw.match(/\/Type \/Page\b/g)).toHaveLength(4)
    const text = pdfText(res.body)
    expect(text).toContain('Laporan Periodik Pengaduan Warga')
    expect(text).toContain('Halaman 4 dari 4')
    expect(text).toContain('Laporan per saluran')
    // The agency row: PUPR, 4 received, response median 60 min and p90 84 min, resolution median 17.5 h, 50 % in SLA, rating 4.5 of 2, SKM 87.5 grade B.
    for (const s of ['PUPR', '60 mnt', '17,5 jam', '84 mnt', '50,0%', '4,50 (2)', '87,50 B', 'BPBD']) expect(text).toContain(s)
    // Key figures and the regions ranked.
    for (const s of ['Laporan masuk', '17', 'Alfa', 'Beta', 'Jalan rusak']) expect(text).toContain(s)
    expect(text).not.toContain('Rahasia')
    expect(raw).not.toContain('Rahasia')
  })

  it('PDF in English, and a calendar month or a chosen range', async () => {
    const en = pdfText((await get('/api/review/report.pdf?period=month&lang=en&compress=0', leadership)).body)
    expect(en).toContain('Periodic Report on Citizen Complaints')
    expect(en).toContain('17.5 h')
    const to = new Date(Date.now() + 60_000).toISOString()
    const from = new Date(Date.now() - 86_400_000).toISOString()
    const range = await get(`/api/review/report.csv?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`, leadership)
    expect(range.status).toBe(200)
    // The road tickets were backdated three days: a one-day range holds every report but only the two flood tickets.
    expect(range.body.toString()).toContain('summary,reports,17')
    expect(range.body.toString()).toContain('summary,tickets,2')
    const old = await get('/api/review/report.csv?period=2020-01', leadership)
    expect(old.body.toString()).toContain('period,2020-01,2020-01-01T00:00:00+07:00,2020-02-01T00:00:00+07:00')
    expect(old.body.toString()).toContain('summary,reports,0')
  })

  it('422 on a bad period, naming the field', async () => {
    for (const [q, field] of [
      ['period=year', 'period'],
      ['period=2025-13', 'period'],
      ['period=week&from=2025-01-01T00:00:00Z', 'period'],
      ['from=2025-01-01T00:00:00Z', 'to'],
      ['from=2025-02-01T00:00:00Z&to=2025-01-01T00:00:00Z', 'from'],
      ['from=2023-01-01T00:00:00Z&to=2025-01-01T00:00:00Z', 'to'],
    ] as const) {
      for (const path of ['/api/review/report.pdf', '/api/review/report.csv', '/api/review/summary']) {
        const r = await t.json('GET', `${path}?${q}`, undefined, leadership)
        expect(r.status, `${path}?${q}`).toBe(422)
        expect(r.body.error.issues.map((i: { field: string }) => i.field)).toContain(field)
      }
    }
  })

  it('is for whole-area readers: 401 without sign-in, 403 for scoped roles', async () => {
    expect((await t.json('GET', '/api/review/report.pdf?period=week')).status).toBe(401)
    const staff = (await signIn(t, 'agency_staff', { agencyCode: 'pupr' })).headers
    expect((await t.json('GET', '/api/review/report.csv?period=week', undefined, staff)).status).toBe(403)
    const admin = (await signIn(t, 'admin')).headers
    expect((await t.json('GET', '/api/review/summary?period=week', undefined, admin)).status).toBe(200)
  })

  it('summary JSON: trends per day by category and the hotspot with its ticket', async () => {
    const r = await t.json('GET', '/api/review/summary?period=week', undefined, leadership)
    expect(r.status).toBe(200)
    expect(r.body.trend.days).toHaveLength(8) // 7 x 24 h spans 8 WIB calendar days
    const roads = r.body.trend.categories.find((s: { code: string }) => s.code === 'jalan_rusak')
    expect(roads.total).toBe(15)
    expect(roads.counts.at(-1)).toBe(15) // all reported today
    expect(r.body.hotspots.features[0].properties.count).toBe(12)
    expect(JSON.stringify(r.body)).not.toContain(SECRET.name)
  })
})
