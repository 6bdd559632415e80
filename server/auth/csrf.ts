import type { MiddlewareHandler } from 'hono'
import type { AppEnv } from '../http/context.js'
import { AppError } from '../http/errors.js'
import { SESSION_COOKIE } from './auth.service.js'

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS'])
/** The header our own screens send with every change; a cross-site form cannot set it. */
export const CSRF_HEADER = 'x-requested-with'

/** The origin the browser used to reach us (the proxy's view when behind one). */
export function ownOrigin(headers: Headers, url: string): string {
  const u = new URL(url)
  const proto = headers.get('x-forwarded-proto')?.split(',')[0]?.trim() || u.protocol.replace(':', '')
  const host = headers.get('x-forwarded-host')?.split(',')[0]?.trim() || headers.get('host') || u.host
  return `${proto}://${host}`
}

/**
 * CSRF defence on top of SameSite=Lax: a state-changing request that carries the session
 * cookie must also carry `X-Requested-With` or an Origin equal to ours. Requests without the
 * cookie (channel integrations, anonymous intake, bearer tokens) are not forgeable by a
 * third-party page and pass, except that a cross-site page may not post a sign-in form.
 */
export function csrfGuard(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (SAFE.has(c.req.method)) return next()
    const h = c.req.raw.headers
    const origin = h.get('origin')
    const sameOrigin = origin !== null && origin === ownOrigin(h, c.req.url)
    const hasCookie = (h.get('cookie') ?? '').includes(`${SESSION_COOKIE}=`)
    const isLogin = c.req.path === '/api/auth/login'
    if (hasCookie) {
      const ok = sameOrigin || (origin === null && h.get(CSRF_HEADER) !== null)
      if (!ok) throw new AppError(403, 'csrf', `Cross-site request refused: send the ${CSRF_HEADER} header from the same origin`)
    } else if (isLogin && origin !== null && !sameOrigin) {
      throw new AppError(403, 'csrf', 'Sign-in from another site refused')
    }
    return next()
  }
}
