/** A non-2xx answer from the API, with the server's error code and message. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly body: unknown,
  ) {
    super(message)
  }
}

async function answer<T>(res: Response): Promise<T> {
  if (!res.ok) {
    let body: unknown = null
    try {
      body = await res.json()
    } catch {
      // not JSON
    }
    const err = (body as { error?: { code?: string; message?: string } } | null)?.error
    throw new ApiError(res.status, err?.code ?? String(res.status), err?.message ?? `${res.status}`, body)
  }
  return (await res.json()) as T
}

/** GET JSON from the API; throws an ApiError with the server's message on a non-2xx answer. */
export async function getJson<T>(path: string, init?: RequestInit): Promise<T> {
  return answer<T>(await fetch(path, { credentials: 'same-origin', ...init }))
}

/**
 * POST/PATCH/DELETE JSON. Every change from our screens carries X-Requested-With, which the
 * server's CSRF guard asks of requests that carry the session cookie.
 */
/**
 * Every page of a paged list (GET /api/reports answers `next`, the following page, or null).
 * The sequence number is the first page's: events after it may repeat rows of later pages,
 * which the screen merges by id, but none can be missed.
 */
export async function getAllPages<T>(path: string): Promise<{ seq: number; reports: T[] }> {
  const first = await getJson<{ seq: number; reports: T[]; next?: string | null }>(path)
  const reports = [...first.reports]
  for (let next = first.next ?? null; next; ) {
    const page = await getJson<{ reports: T[]; next?: string | null }>(next)
    reports.push(...page.reports)
    next = page.next ?? null
  }
  return { seq: first.seq, reports }
}

export async function sendJson<T>(method: 'POST' | 'PATCH' | 'PUT' | 'DELETE', path: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
  const res = await fetch(path, {
    method,
    credentials: 'same-origin',
    headers: { 'content-type': 'application/json', 'x-requested-with': 'sigap', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  return answer<T>(res)
}

export interface Category {
  code: string
  name: string
  name_en: string
  group: string
  color: string
}

export interface ReportLite {
  id: string
  channel: string
  category: string
  description: string
  location: { lat: number; lon: number }
  region: { code: string; name: string } | null
  reported_at: string
}

export interface ClientConfig {
  basemap_url: string | null
  demo: boolean
}
