import { randomBytes } from 'node:crypto'
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { UserRole } from '../auth/principal.js'
import type { Db } from '../db/connect.js'
import { countUsers } from '../users/user.repository.js'
import { createUser } from '../users/user.service.js'

export interface DemoAccount {
  username: string
  password: string
  role: UserRole
  note: string
}

const FILE = 'demo-accounts.json'

/**
 * One account per role, so that someone trying sigap can open every screen. Created only in
 * demo mode and only on a database with no users; the passwords are random per installation
 * and kept (readable by the owner only) in the data folder, so each start can print them.
 */
export async function ensureDemoAccounts(db: Db, dataDir: string): Promise<DemoAccount[]> {
  const file = join(dataDir, FILE)
  if ((await countUsers(db.db)) > 0) return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as DemoAccount[]) : []

  // The kecamatan with the most kelurahan/desa, so its head has disputes to settle.
  const kec = await db.db
    .selectFrom('regions')
    .select(['parent_code'])
    .where('level', '=', 'kelurahan') // kelurahan and desa alike
    .where('parent_code', 'is not', null)
    .groupBy('parent_code')
    .orderBy((eb) => eb.fn.countAll(), 'desc')
    .orderBy('parent_code')
    .executeTakeFirst()
  const pw = () => randomBytes(9).toString('base64url')
  const accounts: (DemoAccount & { region_codes?: string[]; agency_code?: string })[] = [
    { username: 'admin', password: pw(), role: 'admin', note: 'everything' },
    { username: 'operator', password: pw(), role: 'operator', note: 'call center 112: /intake' },
    { username: 'pimpinan', password: pw(), role: 'leadership', note: 'leadership: /review, /wall' },
    { username: 'camat', password: pw(), role: 'region_head', note: `head of kecamatan ${kec?.parent_code ?? '-'}: /disputes`, region_codes: kec?.parent_code ? [kec.parent_code] : [] },
    { username: 'petugas', password: pw(), role: 'field_officer', note: 'roads field team (PUPR): /field', agency_code: 'pupr' },
  ]
  for (const a of accounts)
    await createUser(db, { username: a.username, password: a.password, role: a.role, region_codes: a.region_codes, agency_code: a.agency_code ?? null }, null)
  const out: DemoAccount[] = accounts.map(({ username, password, role, note }) => ({ username, password, role, note }))
  mkdirSync(dataDir, { recursive: true })
  writeFileSync(file, JSON.stringify(out, null, 2))
  chmodSync(file, 0o600)
  return out
}
