import { Hono } from 'hono'
import { z } from 'zod'
import { randomToken } from '../auth/password.js'
import { isAdmin, type Principal } from '../auth/principal.js'
import { insertDisplayToken, listDisplayTokens, revokeDisplayToken } from '../auth/session.repository.js'
import { appendEvent } from '../events/event.repository.js'
import type { AppEnv } from '../http/context.js'
import { AppError, notFound } from '../http/errors.js'
import { defineRoute } from '../http/route.js'
import { listUsers } from './user.repository.js'
import { NewUserInput, UserIdParam, UserPatch } from './user.schema.js'
import { createUser, updateUser } from './user.service.js'
import { userView } from './user.view.js'

export function requireAdmin(p: Principal): void {
  if (!isAdmin(p)) throw new AppError(403, 'forbidden', 'Only admins may manage users and the catalogue')
}

const TokenName = z.object({ name: z.string().trim().min(1).max(80) })

const tags = ['auth']
defineRoute({ method: 'get', path: '/api/users', tags, summary: 'Users (admin)' })
const newUser = defineRoute({ method: 'post', path: '/api/users', tags, summary: 'Create a user (admin)', body: NewUserInput, names: { body: 'user' } })
const changeUser = defineRoute({ method: 'patch', path: '/api/users/:id', tags, summary: 'Change a user (admin)', params: UserIdParam, body: UserPatch, names: { params: 'user id', body: 'user change' } })
defineRoute({ method: 'get', path: '/api/display-tokens', tags, summary: 'Read-only display tokens for wall screens (admin)' })
const newToken = defineRoute({ method: 'post', path: '/api/display-tokens', tags, summary: 'Create a display token (admin)', body: TokenName, names: { body: 'display token' } })
const revokeToken = defineRoute({ method: 'delete', path: '/api/display-tokens/:name', tags, summary: 'Revoke a display token (admin)', params: TokenName, names: { params: 'display token' } })


/** User administration: admins only. */
export function userRoutes() {
  return new Hono<AppEnv>()
    .use('*', async (c, next) => {
      requireAdmin(c.var.principal)
      await next()
    })
    .get('/', async (c) => c.json({ users: (await listUsers(c.var.deps.db.db)).map(userView) }))
    .post('/', async (c) => {
      const input = await newUser.body(c)
      return c.json(await createUser(c.var.deps.db, input, c.var.principal), 201)
    })
    .patch('/:id', async (c) => {
      const { id } = changeUser.params(c)
      const patch = await changeUser.body(c)
      return c.json(await updateUser(c.var.deps.db, id, patch, c.var.principal))
    })
}

/** Read-only tokens for wall screens (`/wall?token=...` or `Authorization: Bearer`): admins only. */
export function displayTokenRoutes() {
  return new Hono<AppEnv>()
    .use('*', async (c, next) => {
      requireAdmin(c.var.principal)
      await next()
    })
    .get('/', async (c) => c.json({ tokens: await listDisplayTokens(c.var.deps.db.db) }))
    .post('/', async (c) => {
      const { name } = await newToken.body(c)
      const token = `sdt_${randomToken()}`
      const by = { user_id: c.var.principal.userId ?? null, role: c.var.principal.role }
      await c.var.deps.db.db.transaction().execute(async (trx) => {
        await insertDisplayToken(trx, token, name)
        await appendEvent(trx, 'display_token.created', { name, by })
      })
      // The only time the token is shown: only its hash is kept.
      return c.json({ name, token }, 201)
    })
    .delete('/:name', async (c) => {
      const { name } = revokeToken.params(c)
      const n = await c.var.deps.db.db.transaction().execute(async (trx) => {
        const revoked = await revokeDisplayToken(trx, name)
        if (revoked) await appendEvent(trx, 'display_token.revoked', { name, by: { user_id: c.var.principal.userId ?? null, role: c.var.principal.role } })
        return revoked
      })
      if (!n) throw notFound(`Display token "${name}"`)
      return c.json({ revoked: name })
    })
}
