import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto'

/**
 * Password hashing with node's scrypt (no native add-on to build). The parameters are stored
 * in the hash (`scrypt$N$r$p$salt$key`, base64url), so they can be raised later without
 * invalidating existing passwords.
 */
const N = 2 ** 15
const R = 8
const P = 1
const KEY_LEN = 32

function derive(password: string, salt: Buffer, opts: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    // maxmem: scrypt needs 128 * N * r bytes; node's default cap (32 MiB) is exactly that for N=2^15.
    scrypt(password.normalize('NFKC'), salt, KEY_LEN, { ...opts, maxmem: 256 * (opts.N ?? N) * (opts.r ?? R) }, (err, key) =>
      err ? reject(err) : resolve(key),
    ),
  )
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16)
  const key = await derive(password, salt, { N, r: R, p: P })
  return ['scrypt', N, R, P, salt.toString('base64url'), key.toString('base64url')].join('$')
}

/** Constant-time check; false (never an exception) for a malformed stored hash. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [alg, n, r, p, salt, key] = stored.split('$')
  if (alg !== 'scrypt' || !n || !r || !p || !salt || !key) return false
  const expected = Buffer.from(key, 'base64url')
  const got = await derive(password, Buffer.from(salt, 'base64url'), { N: Number(n), r: Number(r), p: Number(p) })
  return got.length === expected.length && timingSafeEqual(got, expected)
}

/** A hash no password matches: verified against when the user does not exist, so that
 * "no such user" and "wrong password" take the same time. */
export const DUMMY_HASH = `scrypt$${N}$${R}$${P}$${'A'.repeat(22)}$${'A'.repeat(43)}`

/** A random secret for session cookies, display tokens, rating links and photo tokens. */
export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url')
}
