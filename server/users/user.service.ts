import { sql } from 'kysely'
import type { Principal } from '../auth/principal.js'
import { hashPassword } from '../auth/password.js'
import { deleteSessionsOfUser } from '../auth/session.repository.js'
import type { Db } from '../db/connect.js'
import { appendEvent } from '../events/event.repository.js'
import { AppError, notFound } from '../http/errors.js'
import { findUserById, findUserByUsername } from './user.repository.js'
import type { NewUserInput, UserPatch } from './user.schema.js'
import { userView, type UserView } from './user.view.js'

const actor = (p: Principal | null) => ({ user_id: p?.userId ?? null, role: p?.role ?? 'cli' })

async function checkAgency(db: Db, code: string | null | undefined): Promise<void> {
  if (!code) return
  const a = await db.db.selectFrom('agencies').select('code').where('code', '=', code).executeTakeFirst()
  if (!a) throw new AppError(422, 'validation_failed', `Unknown agency "${code}"`, [{ field: 'agency_code', message: `unknown agency "${code}"` }])
}

/** Creates a user (by an admin through the API, or from the command line with `by` null). */
export async function createUser(db: Db, input: NewUserInput, by: Principal | null): Promise<UserView> {
  await checkAgency(db, input.agency_code)
  if (await findUserByUsername(db.db, input.username)) throw new AppError(409, 'conflict', `User "${input.username}" already exists`)
  const password_hash = await hashPassword(input.password)
  const scoped = input.role === 'agency_staff' || input.role === 'field_officer'
  try {
    return await db.db.transaction().execute(async (trx) => {
      const u = await trx
        .insertInto('users')
        .values({
          username: input.username,
          display_name: input.display_name ?? input.username,
          role: input.role,
          region_codes: input.role === 'region_head' ? (input.region_codes ?? []) : [],
          agency_code: scoped ? (input.agency_code ?? null) : null,
          password_hash,
        })
        .returningAll()
        .executeTakeFirstOrThrow()
      const view = userView(u)
      await appendEvent(trx, 'user.created', { user: view, by: actor(by) })
      return view
    })
  } catch (err) {
    // Two admins creating the same name at once: the unique index decides.
    if (/users_username_uq/.test((err as Error).message)) throw new AppError(409, 'conflict', `User "${input.username}" already exists`)
    throw err
  }
}

/** Changes a user; a new password, a new role or deactivation signs them out everywhere. */
export async function updateUser(db: Db, id: string, patch: UserPatch, by: Principal): Promise<UserView> {
  await checkAgency(db, patch.agency_code)
  const password_hash = patch.password ? await hashPassword(patch.password) : undefined
  return db.db.transaction().execute(async (trx) => {
    const before = await findUserById(trx, id)
    if (!before) throw notFound(`User ${id}`)
    const role = patch.role ?? before.role
    const region_codes = role === 'region_head' ? (patch.region_codes ?? before.region_codes) : []
    const agency_code = role === 'agency_staff' || role === 'field_officer' ? (patch.agency_code !== undefined ? patch.agency_code : before.agency_code) : null
    if (role === 'region_head' && region_codes.length === 0)
      throw new AppError(422, 'validation_failed', 'A region head needs region codes', [{ field: 'region_codes', message: 'required for region_head' }])
    if ((role === 'agency_staff' || role === 'field_officer') && !agency_code)
      throw new AppError(422, 'validation_failed', `${role} needs an agency`, [{ field: 'agency_code', message: `required for ${role}` }])
    const u = await trx
      .updateTable('users')
      .set({
        role,
        region_codes,
        agency_code,
        ...(patch.display_name !== undefined ? { display_name: patch.display_name } : {}),
        ...(patch.active !== undefined ? { active: patch.active } : {}),
        ...(password_hash ? { password_hash } : {}),
        updated_at: sql<Date>`now()`,
      })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow()
    if (password_hash || patch.active === false || role !== before.role || agency_code !== before.agency_code || patch.region_codes)
      await deleteSessionsOfUser(trx, id)
    const view = userView(u)
    await appendEvent(trx, 'user.updated', { user: view, by: actor(by), password_changed: Boolean(password_hash) })
    return view
  })
}
