import { createHmac, timingSafeEqual } from 'node:crypto'

/** `sha256=<hex>` of the raw body with the app secret, as Meta signs webhook deliveries. */
export function signBody(rawBody: Buffer | string, appSecret: string): string {
  return `sha256=${createHmac('sha256', appSecret).update(rawBody).digest('hex')}`
}

/** Checks X-Hub-Signature-256 in constant time (a timing difference must not reveal the hash). */
export function validSignature(rawBody: Buffer, header: string | undefined, appSecret: string): boolean {
  if (!header || !/^sha256=[0-9a-f]{64}$/i.test(header)) return false
  const expected = Buffer.from(signBody(rawBody, appSecret))
  const got = Buffer.from(header.toLowerCase())
  return got.length === expected.length && timingSafeEqual(got, expected)
}
