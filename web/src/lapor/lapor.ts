// The citizens' form talks to the server here: nearby open reports, and the submission.
import { ApiError, getJson } from '../lib/api'

// The server's answer, typed once (citizen/nearby.service.ts).
export type { NearbyIncidentView as NearbyIncident } from '../../../server/citizen/nearby.service'
import type { NearbyIncidentView as NearbyIncident } from '../../../server/citizen/nearby.service'

/** Open incidents of the category's kind near the point, as the server allows a citizen to see and join them. */
export async function findNearby(at: { lat: number; lon: number }, category: string, signal: AbortSignal): Promise<{ radius_m: number; incidents: NearbyIncident[] }> {
  const q = new URLSearchParams({ lat: at.lat.toFixed(6), lon: at.lon.toFixed(6), category })
  return getJson(`/api/lapor/nearby?${q}`, { signal })
}

export interface Submission {
  category: string
  description: string
  location: { lat: number; lon: number; accuracy_m?: number }
  incident_id?: string
  reporter?: { name?: string; phone?: string; private?: boolean; notify?: boolean }
}

export interface Submitted {
  id: string
  incident_id: string | null
  incident_new: boolean
  duplicate: boolean
  status_path: string
}

/**
 * Sends the report on channel `web`, with its photo when there is one (one multipart request, so
 * a retry repeats one thing). `key` is the form's Idempotency-Key: a retry after a lost answer
 * gets the report stored the first time.
 */
export async function submitReport(s: Submission, photo: File | null, key: string): Promise<Submitted> {
  const report = { channel: 'web', ...s }
  const headers = { 'idempotency-key': key, 'x-requested-with': 'sigap' }
  let res: Response
  if (photo) {
    const form = new FormData()
    form.set('report', JSON.stringify(report))
    form.append('photo', photo)
    res = await fetch('/api/reports/with-photos', { method: 'POST', credentials: 'same-origin', headers, body: form })
  } else {
    res = await fetch('/api/reports', { method: 'POST', credentials: 'same-origin', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify(report) })
  }
  const body = (await res.json().catch(() => null)) as (Submitted & { error?: { code: string; message: string } }) | null
  if (!res.ok || !body) throw new ApiError(res.status, body?.error?.code ?? String(res.status), body?.error?.message ?? String(res.status), body)
  return body
}

/** The field a 422 names first (`incident_id` when the chosen report can no longer be joined). */
export const fieldOf = (err: unknown): string | null =>
  err instanceof ApiError ? ((err.body as { error?: { issues?: { field: string }[] } } | null)?.error?.issues?.[0]?.field ?? null) : null

export const ticketNumber = (reportId: string) => reportId.slice(0, 8).toUpperCase()

/** A fresh Idempotency-Key for one report (getRandomValues works on plain http, randomUUID does not). */
export function newKey(): string {
  const b = crypto.getRandomValues(new Uint8Array(16))
  return `lapor-${[...b].map((x) => x.toString(16).padStart(2, '0')).join('')}`
}

export const formatDistance = (m: number) => (m < 1000 ? `${Math.round(m)} m` : `${(m / 1000).toFixed(1)} km`)
