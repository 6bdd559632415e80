import { reportInput } from './factories.js'
import type { TestApp } from './app.js'
import type { ReportInput } from '../../server/reports/report.schema.js'

export const ALFA = '31.71.01.1001'
export const BETA = '31.71.01.1002'

const next: Record<string, number> = { [ALFA]: 0, [BETA]: 0 }

/** A fresh spot in Alfa or Beta (seedTwoKelurahan), 110 m from every other: each report opens its own incident. */
export function spotIn(region: typeof ALFA | typeof BETA): { lat: number; lon: number } {
  const i = next[region]!++
  const col = i % 9
  const row = Math.floor(i / 9) % 18
  return { lat: -6.2085 + row * 0.001, lon: (region === ALFA ? 106.8405 : 106.8505) + col * 0.001 }
}

/** Files a report (anonymous intake) in a fresh spot and answers the ticket id. */
export async function newTicket(t: TestApp, region: typeof ALFA | typeof BETA, over: Partial<ReportInput> = {}): Promise<string> {
  const res = await t.json('POST', '/api/reports', reportInput({ location: spotIn(region), ...over }))
  if (res.status !== 201 || !res.body.incident_new) throw new Error(`expected a new ticket, got ${res.status} ${JSON.stringify(res.body)}`)
  return res.body.incident_id as string
}
