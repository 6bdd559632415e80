/**
 * Who is asking. Sign-in and the full role model come with the tickets issue; until then
 * every HTTP and WebSocket client is an anonymous display. Every privacy decision goes
 * through the functions here so that adding roles changes one file.
 */
export type Role = 'admin' | 'operator' | 'leadership' | 'region_head' | 'agency_staff' | 'field_officer' | 'display'

export interface Principal {
  role: Role
  userId?: string
  /** region_head: the kelurahan/desa or kecamatan codes they answer for. */
  regionCodes?: string[]
  /** agency_staff / field_officer: their agency (OPD). */
  agencyCode?: string
}

export const ANONYMOUS_DISPLAY: Principal = { role: 'display' }

/** Roles that may see the identity of a reporter who asked to stay private. */
export function canSeePrivateIdentity(p: Principal): boolean {
  return p.role === 'admin' || p.role === 'operator'
}

/** Roles that may see a non-private reporter's name and phone at all. */
export function canSeeReporterContact(p: Principal): boolean {
  return p.role !== 'display' && p.role !== 'leadership'
}
