/** GET JSON from the API; throws with the server's message on a non-2xx answer. */
export async function getJson<T>(path: string, init?: RequestInit): Promise<T> {
  const res = await fetch(path, { credentials: 'same-origin', ...init })
  if (!res.ok) {
    let msg = `${res.status}`
    try {
      msg = ((await res.json()) as { error?: { message?: string } }).error?.message ?? msg
    } catch {
      // not JSON
    }
    throw new Error(msg)
  }
  return (await res.json()) as T
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
