import type { Transaction } from 'kysely'
import { storedUserId, type Principal } from '../auth/principal.js'
import type { Database } from '../db/database.js'
import { AppError } from '../http/errors.js'

// What every change of a ticket (lead or added agency's) shares: who made it, and the photos it
// cites. A file of its own so that ticket.service.ts and agency-ticket.service.ts, which hands
// an added agency's transition over, do not import each other.

/** Who did it, for events and history: an id and a role, never a name. */
export const actorOf = (p: Principal) => ({ user_id: storedUserId(p), role: p.role })

/** Refuses (422) photos that are unknown or belong to another incident. */
export async function requirePhotos(trx: Transaction<Database>, incidentId: string, ids: string[]): Promise<void> {
  const found = await trx
    .selectFrom('photos')
    .select('id')
    .where('id', 'in', ids)
    .where((eb) => eb.or([eb('incident_id', '=', incidentId), eb('incident_id', 'is', null)]))
    .execute()
  const missing = ids.filter((x) => !found.some((f) => f.id === x))
  if (missing.length)
    throw new AppError(422, 'validation_failed', `Unknown photos: ${missing.join(', ')}`, [{ field: 'photo_ids', message: `unknown photo ${missing[0]}` }])
}
