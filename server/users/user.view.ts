import type { User } from '../db/database.js'

/** A user as JSON: never the password hash. */
export function userView(u: User) {
  return {
    id: u.id,
    username: u.username,
    display_name: u.display_name,
    role: u.role,
    region_codes: u.region_codes,
    agency_code: u.agency_code,
    active: u.active,
    created_at: u.created_at.toISOString(),
    updated_at: u.updated_at.toISOString(),
  }
}
export type UserView = ReturnType<typeof userView>
