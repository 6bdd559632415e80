import { readFileSync } from 'node:fs'
import { CategoryCatalog } from '../categories/category.repository.js'
import type { Config } from '../config.js'
import type { Db } from '../db/connect.js'
import { migrate } from '../db/migrate.js'
import { EventFeed } from '../events/event.feed.js'
import type { Deps } from '../http/context.js'
import { createLogger } from '../logger.js'
import { Mapping } from './import.mapping.js'
import { ImportFileError, importExport, type ImportSummary } from './import.service.js'

const SHOWN_REJECTED = 50

/** `npm run sigap -- import lapor FILE [--mapping mapping.json] [--batch N]`; returns the exit code. */
export async function importCommand(config: Config, db: Db, file: string, opts: { mapping?: string; batch?: string }): Promise<number> {
  let mapping: Mapping
  try {
    mapping = Mapping.parse(opts.mapping ? JSON.parse(readFileSync(opts.mapping, 'utf8')) : {})
  } catch (err) {
    console.error(`--mapping ${opts.mapping}: ${err instanceof Error ? err.message : String(err)}`)
    return 2
  }
  const batchSize = opts.batch ? Number(opts.batch) : 200
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 10_000) {
    console.error('--batch must be a whole number from 1 to 10000')
    return 2
  }
  await migrate(db.db)
  const feed = new EventFeed(db)
  await feed.start()
  const deps: Deps = { db, config, feed, categories: new CategoryCatalog(db.db), log: createLogger(config.SIGAP_LOG), authenticate: async () => null }
  const t0 = Date.now()
  try {
    const summary = await importExport(deps, file, {
      source: 'lapor',
      mapping,
      batchSize,
      onProgress: (p) =>
        process.stderr.write(`\rlapor: ${p.done}/${p.total} rows (new ${p.imported}, already there ${p.duplicates}, rejected ${p.rejected})`),
    })
    process.stderr.write('\n')
    printSummary(summary, Date.now() - t0)
    return 0
  } catch (err) {
    process.stderr.write('\n')
    if (err instanceof ImportFileError) {
      console.error(`import failed: ${err.message}`)
      return 1
    }
    console.error(`import stopped: ${(err as Error).message}\nRun the same command again to resume from the last completed batch.`)
    return 1
  } finally {
    await feed.stop()
  }
}

function printSummary(s: ImportSummary, ms: number): void {
  const resumed = s.resumedAt > 0 ? ` (resumed at row ${s.resumedAt + 1})` : ''
  console.log(`${s.file}: ${s.total} rows${resumed} in ${(ms / 1000).toFixed(1)} s`)
  console.log(`  new reports:      ${s.imported}`)
  console.log(`  already imported: ${s.duplicates}`)
  console.log(`  rejected:         ${s.rejected.length}`)
  if (s.rejected.length === 0) return
  const byReason = new Map<string, number>()
  for (const r of s.rejected) {
    const reason = r.reason.replace(/"[^"]*"/g, '"…"')
    byReason.set(reason, (byReason.get(reason) ?? 0) + 1)
  }
  console.log('  rejected, by reason:')
  for (const [reason, n] of [...byReason].sort((a, b) => b[1] - a[1])) console.log(`    ${String(n).padStart(6)}  ${reason}`)
  console.log('  rejected rows (row number in the file, source id, reason):')
  for (const r of s.rejected.slice(0, SHOWN_REJECTED)) console.log(`    row ${r.row}  ${r.id ?? '(no id)'}  ${r.reason}`)
  if (s.rejected.length > SHOWN_REJECTED) console.log(`    … and ${s.rejected.length - SHOWN_REJECTED} more (all are kept in the import_runs table)`)
}
