import { z } from 'zod'
import { randomToken } from '../auth/password.js'
import { textIssues } from '../http/text.js'
import { insertDisplayToken } from '../auth/session.repository.js'
import type { Db } from '../db/connect.js'
import { migrate } from '../db/migrate.js'
import { AppError, zodIssues } from '../http/errors.js'
import { NewUserInput } from './user.schema.js'
import { createUser } from './user.service.js'

export const USERS_USAGE = `  users add --username NAME --role ROLE [options]   create a user (the first admin, for one)
      --role ROLE         admin | operator | leadership | region_head | agency_staff | field_officer
      --password-stdin    read the password from standard input (otherwise one is generated and printed once)
      --name TEXT         display name (default: the username)
      --region CODES      region_head: comma-separated kelurahan/kecamatan codes
      --agency CODE       agency_staff / field_officer: their agency (GET /api/agencies lists codes)
  users display-token --name NAME             create a read-only token for a wall screen (printed once)`

export interface UsersOptions {
  username?: string | undefined
  role?: string | undefined
  'password-stdin'?: boolean | undefined
  name?: string | undefined
  region?: string | undefined
  agency?: string | undefined
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer)
  // One line: a trailing newline from `echo` or a file is not part of the password.
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '')
}

/** `npm run sigap -- users ...`; returns the exit code. */
export async function usersCommand(db: Db, sub: string | undefined, o: UsersOptions): Promise<number> {
  await migrate(db.db)
  if (sub === 'display-token') {
    const name = z.string().trim().min(1).max(80).safeParse(o.name)
    if (!name.success || textIssues(name.data).length) {
      console.error('users display-token needs --name NAME (valid text, without NUL characters)')
      return 2
    }
    const token = `sdt_${randomToken()}`
    await insertDisplayToken(db.db, token, name.data)
    console.log(`display token "${name.data}" (shown once; open the wall at /wall?token=${token}):\n${token}`)
    return 0
  }
  if (sub !== 'add') {
    console.error(`unknown users command: ${sub ?? '(none)'}\n${USERS_USAGE}`)
    return 2
  }
  const generated = !o['password-stdin']
  const password = generated ? randomToken(12) : await readStdin()
  const given = {
    username: o.username,
    role: o.role,
    password,
    display_name: o.name,
    region_codes: o.region?.split(',').map((s) => s.trim()).filter(Boolean),
    agency_code: o.agency,
  }
  const parsed = NewUserInput.safeParse(given)
  // Text PostgreSQL cannot store (http/text.ts) is refused like any other bad value.
  const issues = [...textIssues(given), ...(parsed.success ? [] : zodIssues(parsed.error))]
  if (!parsed.success || issues.length) {
    for (const i of issues) console.error(`--${i.field.replace('_codes', '').replace('_code', '').replace('display_name', 'name')}: ${i.message}`)
    return 2
  }
  try {
    const u = await createUser(db, parsed.data, null)
    console.log(`created ${u.role} "${u.username}" (${u.id})`)
    if (generated) console.log(`password (shown once): ${password}`)
    return 0
  } catch (err) {
    if (err instanceof AppError) {
      console.error(err.message)
      return 1
    }
    throw err
  }
}
