import { getJson, sendJson } from './api'

export type Role = 'admin' | 'operator' | 'leadership' | 'region_head' | 'agency_staff' | 'field_officer' | 'display'

export interface Me {
  signed_in: boolean
  role: Role
  landing: string
  user: { id: string; username: string; display_name?: string | null; role: Role; region_codes?: string[]; agency_code?: string | null } | null
  scope: { all: true } | { all: false; regionCodes: string[] } | { all: false; agencyCode: string }
}

/** Who is signed in on this browser (from GET /api/auth/me); null until it has loaded. */
export const session = $state<{ me: Me | null }>({ me: null })

export async function loadSession(): Promise<Me> {
  const me = await getJson<Me>('/api/auth/me')
  session.me = me
  return me
}

export async function signIn(username: string, password: string): Promise<{ landing: string }> {
  const r = await sendJson<{ landing: string }>('POST', '/api/auth/login', { username, password })
  await loadSession()
  return r
}

export async function signOut(): Promise<void> {
  await sendJson('POST', '/api/auth/logout')
  await loadSession()
}

/** The screens each role may open, in the order the navigation shows them. */
export const SCREENS_FOR: Record<Role, string[]> = {
  admin: ['desk', 'wall', 'review', 'disputes', 'field', 'intake'],
  operator: ['intake', 'desk', 'wall', 'disputes', 'field'],
  leadership: ['wall', 'review'],
  region_head: ['disputes', 'wall'],
  agency_staff: ['field', 'wall'],
  field_officer: ['field'],
  display: ['wall'],
}
