import { Hono, type Context } from 'hono'
import { deleteCookie, setCookie } from 'hono/cookie'
import type { AppEnv } from '../http/context.js'
import { AppError } from '../http/errors.js'
import { defineRoute } from '../http/route.js'
import { LoginInput } from '../users/user.schema.js'
import { findUserById } from '../users/user.repository.js'
import { userView } from '../users/user.view.js'
import { login, principalOf, SESSION_COOKIE, sessionTokenOf } from './auth.service.js'
import { ownOrigin } from './csrf.js'
import { clientAddress } from '../http/client-address.js'
import { LoginThrottle } from './login.throttle.js'
import { LANDING, ticketScope } from './principal.js'
import { deleteSession } from './session.repository.js'

/** Test principals may carry made-up user ids; only a real one is looked up. */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

const secure = (c: Context<AppEnv>) => ownOrigin(c.req.raw.headers, c.req.url).startsWith('https:')

const tags = ['auth']
const signIn = defineRoute({ method: 'post', path: '/api/auth/login', tags, summary: 'Sign in; sets the session cookie', body: LoginInput, names: { body: 'sign-in' } })
defineRoute({ method: 'post', path: '/api/auth/logout', tags, summary: 'Sign out' })
defineRoute({ method: 'get', path: '/api/auth/me', tags, summary: 'Who is signed in' })

/** Sign-in for the screens: POST login sets the session cookie, GET me says who and where to land. */
export function authRoutes(throttle = new LoginThrottle()) {
  return new Hono<AppEnv>()
    .post('/login', async (c) => {
      const input = await signIn.body(c)
      const address = clientAddress(c, c.var.deps.config.SIGAP_TRUSTED_PROXIES)
      // Checked before the password: a guesser waiting out a backoff learns nothing, and costs no hashing.
      const wait = throttle.waitMs(input.username, address)
      if (wait > 0) {
        const seconds = Math.ceil(wait / 1000)
        throw new AppError(429, 'too_many_attempts', `Too many failed sign-ins: try again in ${seconds} s`, undefined, { 'Retry-After': String(seconds) })
      }
      const r = await login(c.var.deps.db.db, input.username, input.password, new Date(), c.var.deps.config.SIGAP_SESSION_HOURS * 3_600_000)
      // Never log the username that failed: people type passwords into it.
      if (!r) {
        throttle.failed(input.username, address)
        throw new AppError(401, 'invalid_credentials', 'Wrong username or password')
      }
      throttle.succeeded(input.username)
      setCookie(c, SESSION_COOKIE, r.token, {
        httpOnly: true,
        sameSite: 'Lax',
        secure: secure(c),
        path: '/',
        expires: r.expiresAt,
      })
      const p = principalOf(r.user)
      return c.json({ user: userView(r.user), role: p.role, landing: LANDING[p.role], expires_at: r.expiresAt.toISOString() })
    })
    .post('/logout', async (c) => {
      const token = sessionTokenOf(c.req.raw.headers)
      if (token) await deleteSession(c.var.deps.db.db, token)
      deleteCookie(c, SESSION_COOKIE, { path: '/', secure: secure(c) })
      return c.json({ ok: true })
    })
    .get('/me', async (c) => {
      const p = c.var.principal
      const user = p.userId && UUID.test(p.userId) ? await findUserById(c.var.deps.db.db, p.userId) : undefined
      return c.json({
        signed_in: user !== undefined,
        role: p.role,
        landing: LANDING[p.role],
        user: user ? userView(user) : null,
        scope: ticketScope(p),
      })
    })
}
