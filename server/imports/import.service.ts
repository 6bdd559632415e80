import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { basename } from 'node:path'
import { parse as parseCsv } from 'csv-parse/sync'
import { sql } from 'kysely'
import type { ImportRun } from '../db/database.js'
import type { Deps } from '../http/context.js'
import { AppError, inputErrorOf } from '../http/errors.js'
import type { ReportInput } from '../reports/report.schema.js'
import { intakeReport } from '../reports/report.service.js'
import { Mapping, resolveColumns } from './import.mapping.js'
import { RowConverter, type RawRow } from './import.rows.js'

export class ImportFileError extends Error {}

export interface ImportOptions {
  source?: string
  mapping?: Mapping
  batchSize?: number
  onProgress?: (p: { done: number; total: number; imported: number; duplicates: number; rejected: number }) => void
  /** The intake to call (tests put a failing one here to prove a run resumes). */
  intake?: (input: ReportInput) => Promise<{ created: boolean }>
}

export interface ImportSummary {
  file: string
  total: number
  /** Row the run started at: > 0 when it resumed an interrupted run. */
  resumedAt: number
  imported: number
  duplicates: number
  rejected: { row: number; id: string | null; reason: string }[]
}

const MAX_REJECTED_KEPT = 10_000

/** Rows of a CSV (header row; `,` or `;`) or JSON export (an array, or `{ data | rows | items: [...] }`). */
export function readExport(path: string): { rows: RawRow[]; sha256: string } {
  let buf: Buffer
  try {
    buf = readFileSync(path)
  } catch (err) {
    throw new ImportFileError(`cannot read ${path}: ${(err as Error).message}`)
  }
  const sha256 = createHash('sha256').update(buf).digest('hex')
  const text = buf.toString('utf8').replace(/^\uFEFF/, '')
  if (/\.json$/i.test(path) || /^\s*[[{]/.test(text)) {
    let data: unknown
    try {
      data = JSON.parse(text)
    } catch (err) {
      throw new ImportFileError(`${path} is not valid JSON: ${(err as Error).message}`)
    }
    const list = Array.isArray(data) ? data : ['data', 'rows', 'items'].map((k) => (data as Record<string, unknown>)?.[k]).find(Array.isArray)
    if (!Array.isArray(list)) throw new ImportFileError(`${path}: expected an array of rows (or { "data": [...] })`)
    return { rows: list.map((r) => (r && typeof r === 'object' && !Array.isArray(r) ? (r as RawRow) : {})), sha256 }
  }
  const firstLine = text.slice(0, text.indexOf('\n') >>> 0)
  const delimiter = (firstLine.match(/;/g)?.length ?? 0) > (firstLine.match(/,/g)?.length ?? 0) ? ';' : ','
  try {
    const rows = parseCsv(text, { columns: true, delimiter, skip_empty_lines: true, relax_column_count: true, trim: true }) as RawRow[]
    return { rows, sha256 }
  } catch (err) {
    throw new ImportFileError(`${path} is not a readable CSV: ${(err as Error).message}`)
  }
}

/**
 * Imports an export through the one intake path, in batches, idempotent on the source id
 * (channel + external_id) and resumable: after every batch the next row is stored in
 * import_runs, so a run that stopped resumes there; a finished file run again only finds
 * duplicates.
 */
export async function importExport(deps: Deps, path: string, opts: ImportOptions = {}): Promise<ImportSummary> {
  const source = opts.source ?? 'lapor'
  const mapping = opts.mapping ?? Mapping.parse({})
  const batchSize = opts.batchSize ?? 200
  const intake = opts.intake ?? ((input: ReportInput) => intakeReport(deps, input, null))
  const { rows, sha256 } = readExport(path)
  const headers = [...new Set(rows.slice(0, 50).flatMap((r) => Object.keys(r)))]
  const { columns, missing } = resolveColumns(headers, mapping)
  if (missing.length) throw new ImportFileError(`the mapping names columns the file does not have: ${missing.join(', ')}`)
  if (!columns.id) throw new ImportFileError(`no source id column (tried ${['tracking_id', 'id', '...'].join(', ')}); name it in the mapping: "columns": { "id": "..." }`)
  const known = new Set((await deps.categories.all()).filter((c) => c.active).map((c) => c.code))
  for (const code of [...Object.values(mapping.categories), ...(mapping.default_category ? [mapping.default_category] : [])]) {
    if (!known.has(code)) throw new ImportFileError(`the mapping sends rows to category "${code}", which does not exist`)
  }
  const convert = new RowConverter(deps.db.db, columns, mapping, known, source)
  const run = await startRun(deps, source, sha256, basename(path), rows.length)
  const resumedAt = run.next_row
  let { imported, duplicates } = run
  const rejected = [...run.rejected]

  for (let start = run.next_row; start < rows.length; start += batchSize) {
    const batch = rows.slice(start, start + batchSize)
    const results = await Promise.all(batch.map((r) => convert.convert(r)))
    // One query finds the rows an earlier run already stored; only the rest go through intake.
    const ids = results.flatMap((r) => (r.ok ? [r.id] : []))
    const seen = await existingIds(deps, source, ids)
    for (const [i, r] of results.entries()) {
      if (!r.ok) {
        if (rejected.length < MAX_REJECTED_KEPT) rejected.push({ row: start + i + 1, id: r.id, reason: r.reason })
        continue
      }
      if (seen.has(r.id)) {
        duplicates++
        continue
      }
      seen.add(r.id)
      // A row that intake refuses is rejected with the reason; it never stops the rows after it.
      const res = await intake(r.input).catch((err: Error) => {
        const refused = err instanceof AppError && err.status < 500 ? err : inputErrorOf(err)
        if (!refused) throw err
        if (rejected.length < MAX_REJECTED_KEPT) rejected.push({ row: start + i + 1, id: r.id, reason: refused.message })
        return null
      })
      if (res === null) continue
      if (res.created) imported++
      else duplicates++
    }
    const next = Math.min(start + batchSize, rows.length)
    await deps.db.db
      .updateTable('import_runs')
      .set({ next_row: next, imported, duplicates, rejected: JSON.stringify(rejected), updated_at: sql`now()` })
      .where('id', '=', run.id)
      .execute()
    opts.onProgress?.({ done: next, total: rows.length, imported, duplicates, rejected: rejected.length })
  }
  await deps.db.db.updateTable('import_runs').set({ status: 'done', updated_at: sql`now()` }).where('id', '=', run.id).execute()
  return { file: path, total: rows.length, resumedAt, imported, duplicates, rejected }
}

/** The unfinished run of this file, or a new one (a finished file starts over). */
async function startRun(deps: Deps, source: string, sha256: string, fileName: string, total: number): Promise<ImportRun> {
  return deps.db.db
    .insertInto('import_runs')
    .values({ source, file_sha256: sha256, file_name: fileName, total_rows: total })
    .onConflict((oc) =>
      oc.columns(['source', 'file_sha256']).doUpdateSet({
        // SQL CASE: keep the checkpoint of a running import, reset a finished one.
        next_row: sql`CASE WHEN import_runs.status = 'done' THEN 0 ELSE import_runs.next_row END`,
        imported: sql`CASE WHEN import_runs.status = 'done' THEN 0 ELSE import_runs.imported END`,
        duplicates: sql`CASE WHEN import_runs.status = 'done' THEN 0 ELSE import_runs.duplicates END`,
        rejected: sql`CASE WHEN import_runs.status = 'done' THEN '[]'::jsonb ELSE import_runs.rejected END`,
        status: 'running',
        file_name: fileName,
        updated_at: sql`now()`,
      }),
    )
    .returningAll()
    .executeTakeFirstOrThrow()
}

async function existingIds(deps: Deps, channel: string, ids: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set()
  const rows = await deps.db.db.selectFrom('reports').select('external_id').where('channel', '=', channel).where('external_id', 'in', ids).execute()
  return new Set(rows.map((r) => r.external_id!))
}
