import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { createTestApp, type TestApp } from './helpers/app.js'
import { reportInput, seedTwoKelurahan } from './helpers/factories.js'

// What POST /api/reports answers must be what /api/openapi.json says it answers: real answers
// are checked against the JSON Schema of the published document (not against the zod schema it
// was made from), which forbids fields it does not describe.

let t: TestApp
let doc: { paths: Record<string, Record<string, { responses: Record<string, { content: Record<string, { schema: unknown }> }> }>> }
const answerSchema = (status: string) =>
  z.fromJSONSchema(doc.paths['/api/reports']!.post!.responses[status]!.content['application/json']!.schema as Parameters<typeof z.fromJSONSchema>[0])

beforeAll(async () => {
  t = await createTestApp()
  await seedTwoKelurahan(t.db.db)
  doc = (await t.json('GET', '/api/openapi.json')).body
})
afterAll(() => t.close())

describe('POST /api/reports answers as its OpenAPI document says', () => {
  it('a new report: with its incident, its location check (a mismatch opens a dispute) and its photo token', async () => {
    // Pinned in Beta, claimed in Alfa: the check finds a mismatch and opens a dispute.
    const res = await t.json('POST', '/api/reports', reportInput({ location: { lat: -6.2, lon: 106.855 }, claimed_region: 'Alfa' }))
    expect(res.status).toBe(201)
    const parsed = answerSchema('201').safeParse(res.body)
    expect(parsed.success ? [] : parsed.error.issues).toEqual([])
    expect(res.body.incident_id).toMatch(/^[0-9a-f-]{36}$/)
    expect(res.body.location_check).toMatchObject({ status: 'mismatch', claimed_region: { code: '31.71.01.1001' }, detected_region: { code: '31.71.01.1002' } })
    expect(res.body.location_check.dispute_id).toMatch(/^[0-9a-f-]{36}$/)
    const stored = await t.db.db.selectFrom('location_disputes').select('id').where('report_id', '=', res.body.id).executeTakeFirst()
    expect(stored?.id).toBe(res.body.location_check.dispute_id)
  })

  it('a retry: the report as stored, without a photo token', async () => {
    const body = reportInput({ channel: 'whatsapp', external_id: 'wamid.openapi-1' })
    expect((await t.json('POST', '/api/reports', body)).status).toBe(201)
    const again = await t.json('POST', '/api/reports', body)
    expect(again.status).toBe(200)
    const parsed = answerSchema('200').safeParse(again.body)
    expect(parsed.success ? [] : parsed.error.issues).toEqual([])
    expect(again.body.photo_token).toBeUndefined()
  })

  it('the document refuses an answer with a field it does not describe', async () => {
    const res = await t.json('POST', '/api/reports', reportInput())
    expect(answerSchema('201').safeParse({ ...res.body, undocumented: 1 }).success).toBe(false)
  })
})
