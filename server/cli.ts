import { parseArgs } from 'node:util'
import { loadConfig } from './config.js'
import { connect } from './db/connect.js'
import { migrate } from './db/migrate.js'
import { loadShippedCalendar } from './holidays/holiday.calendar.js'
import { ImportError, importRegions, readRegionsFile, type ImportOptions } from './regions/region.import.js'
import type { RegionInput } from './regions/region.repository.js'
import type { RegionLevel } from './db/database.js'
import { importCommand } from './imports/import.cli.js'
import { checkLocationsCommand } from './locations/location.cli.js'
import { USERS_USAGE, usersCommand } from './users/user.cli.js'
import { HOLIDAYS_USAGE, holidaysCommand } from './holidays/holiday.cli.js'

const USAGE = `Usage: npm run sigap -- <command>
  migrate                                   apply database migrations
  regions import FILE.geojson [options]     import or update administrative boundaries
      --code-prop NAME    property with the region code   (default: kode)
      --name-prop NAME    property with the region name   (default: nama)
      --parent-prop NAME  property with the parent's code (default: the code minus its last segment)
      --level LEVEL       provinsi | kabupaten | kecamatan | kelurahan (default: from the code's segments)
  import lapor FILE [options]               import an SP4N-LAPOR! (or similar) export, CSV or JSON; resumable
      --mapping FILE      JSON column/category mapping (see server/imports/import.mapping.ts)
      --batch N           rows per batch and checkpoint (default: 200)
  check-locations [--batch N]               re-check stored reports' claimed vs detected region (after a regions import)
${USERS_USAGE}
${HOLIDAYS_USAGE}`

const LEVELS = ['provinsi', 'kabupaten', 'kecamatan', 'kelurahan'] as const

const regionOptions = (v: Record<string, string | boolean | undefined>): ImportOptions => ({
  codeProp: (v['code-prop'] as string | undefined) ?? 'kode',
  nameProp: (v['name-prop'] as string | undefined) ?? 'nama',
  parentProp: v['parent-prop'] as string | undefined,
  level: v.level as RegionLevel | undefined,
})

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      'code-prop': { type: 'string' },
      'name-prop': { type: 'string' },
      'parent-prop': { type: 'string' },
      level: { type: 'string' },
      mapping: { type: 'string' },
      batch: { type: 'string' },
      username: { type: 'string' },
      role: { type: 'string' },
      'password-stdin': { type: 'boolean' },
      name: { type: 'string' },
      region: { type: 'string' },
      agency: { type: 'string' },
      year: { type: 'string' },
      shipped: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  })
  const [cmd, sub, arg] = positionals
  if (values.help || !cmd) {
    console.log(USAGE)
    return values.help ? 0 : 2 // no command at all is a usage error
  }
  const config = loadConfig()
  // A boundary file is checked whole before the database is touched: a bad feature is refused
  // with its index and reason, and nothing is written.
  let regions: RegionInput[] | undefined
  if (cmd === 'regions' && sub === 'import' && arg) {
    if (values.level !== undefined && !(LEVELS as readonly string[]).includes(values.level)) {
      console.error(`--level must be one of ${LEVELS.join(', ')}`)
      return 2
    }
    try {
      regions = await readRegionsFile(arg, regionOptions(values))
    } catch (err) {
      if (!(err instanceof ImportError)) throw err
      console.error(`regions import failed, nothing was written: ${err.message}`)
      return 1
    }
  }
  const db = await connect({ databaseUrl: config.DATABASE_URL, dataDir: config.SIGAP_DATA_DIR })
  try {
    if (cmd === 'migrate') {
      const r = await migrate(db.db)
      if (r.applied.length) console.log(`applied: ${r.applied.join(', ')}`)
      if (r.functions.length) console.log(`functions applied: ${r.functions.join(', ')}`)
      if (!r.applied.length && !r.functions.length) console.log('nothing to apply: the database is up to date')
      const years = await loadShippedCalendar(db.db)
      if (years.length) console.log(`holiday calendar loaded: ${years.map((y) => `${y.year} (${y.status})`).join(', ')}`)
      return 0
    }
    if (regions) {
      await migrate(db.db)
      const t0 = Date.now()
      const res = await importRegions(db.db, regions, {
        ...regionOptions(values),
        onProgress: (done, total) => process.stderr.write(`\rregions: ${done}/${total}`),
      })
      process.stderr.write('\n')
      console.log(`imported ${res.imported} regions in ${((Date.now() - t0) / 1000).toFixed(1)} s`)
      for (const s of res.skipped) console.log(`skipped feature ${s.index} (${s.code}): ${s.reason}`)
      return 0
    }
    if (cmd === 'import' && sub === 'lapor' && arg) {
      return await importCommand(config, db, arg, { mapping: values.mapping, batch: values.batch })
    }
    if (cmd === 'users') return await usersCommand(db, sub, values)
    if (cmd === 'holidays') return await holidaysCommand(db, sub, arg, values)
    if (cmd === 'check-locations') return await checkLocationsCommand(config, db, { batch: values.batch })
    console.error(`unknown command: ${positionals.join(' ')}\n${USAGE}`)
    return 2
  } catch (err) {
    if (err instanceof ImportError) {
      console.error(`regions import failed: ${err.message}`)
      return 1
    }
    if (cmd === 'regions') {
      // Checked before writing (region.import.ts); anything left is told plainly, without a stack.
      console.error(`regions import failed, nothing was written by the failing batch: ${(err as Error).message}`)
      return 1
    }
    throw err
  } finally {
    await db.close()
  }
}

process.exitCode = await main(process.argv.slice(2))
