import { createHash, timingSafeEqual } from 'node:crypto'
import type { Kysely } from 'kysely'
import type { Config } from '../config.js'
import type { Database } from '../db/database.js'

export const sha256hex = (s: string) => createHash('sha256').update(s).digest('hex')

/**
 * Which client an Open311 api_key belongs to, or null. Keys come from SIGAP_OPEN311_API_KEYS
 * (comma-separated; `name:key` or a bare key) and from the open311_api_keys table, where
 * only their SHA-256 is stored:
 *   INSERT INTO open311_api_keys (key_sha256, name) VALUES (encode(sha256('KEY'::bytea), 'hex'), 'client name');
 */
export async function apiKeyClient(db: Kysely<Database>, config: Config, key: string): Promise<string | null> {
  const hash = sha256hex(key)
  for (const [i, entry] of envKeys(config).entries()) {
    // Compare hashes so that the time taken says nothing about the key.
    if (timingSafeEqual(Buffer.from(sha256hex(entry.key)), Buffer.from(hash))) return entry.name ?? `env#${i + 1}`
  }
  const row = await db
    .selectFrom('open311_api_keys')
    .select('name')
    .where('key_sha256', '=', hash)
    .where('revoked_at', 'is', null)
    .executeTakeFirst()
  return row ? `db:${row.name}` : null
}

function envKeys(config: Config): { name?: string; key: string }[] {
  return config.SIGAP_OPEN311_API_KEYS.split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => {
      const i = s.indexOf(':')
      return i > 0 ? { name: s.slice(0, i), key: s.slice(i + 1) } : { key: s }
    })
}
