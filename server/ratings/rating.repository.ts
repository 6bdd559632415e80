import { sql } from 'kysely'
import { randomToken } from '../auth/password.js'
import type { Executor } from '../db/database.js'


/**
 * One rating link per report of a resolved ticket (kept if it is resolved again after a
 * reopening). The token is the citizen's only credential: long and random.
 */
export async function createRatingLinks(trx: Executor, incidentId: string): Promise<void> {
  const reports = await trx.selectFrom('reports').select('id').where('incident_id', '=', incidentId).execute()
  if (reports.length === 0) return
  await trx
    .insertInto('rating_links')
    .values(reports.map((r) => ({ report_id: r.id, incident_id: incidentId, token: randomToken(18) })))
    .onConflict((oc) => oc.column('report_id').doNothing())
    .execute()
}

export async function ratingLinksOf(db: Executor, incidentId: string) {
  return db
    .selectFrom('rating_links as l')
    .innerJoin('reports as r', 'r.id', 'l.report_id')
    .leftJoin('ratings as x', 'x.report_id', 'l.report_id')
    .select(['l.report_id', 'l.token', 'r.channel', 'r.external_id', 'x.score'])
    .where('l.incident_id', '=', incidentId)
    .orderBy('l.report_id')
    .execute()
}

export interface LinkTarget {
  report_id: string
  incident_id: string
  status: string
  category_code: string
  agency_code: string | null
  agency_name: string | null
  resolved_at: Date | null
  resolution_note: string | null
  score: number | null
  comment: string | null
}

/** What a rating link points at: its report's current ticket (reports may have moved by a merge). */
export async function findLinkTarget(db: Executor, token: string): Promise<LinkTarget | undefined> {
  const res = await sql<LinkTarget>`
    SELECT l.report_id, r.incident_id, i.status, i.category_code, i.agency_code, a.short_name AS agency_name,
           i.resolved_at, i.resolution_note, x.score, x.comment
    FROM rating_links l
    JOIN reports r ON r.id = l.report_id
    JOIN incidents i ON i.id = r.incident_id
    LEFT JOIN agencies a ON a.code = i.agency_code
    LEFT JOIN ratings x ON x.report_id = l.report_id
    WHERE l.token = ${token}`.execute(db)
  return res.rows[0]
}

/** One rating per report; rating again replaces the score (the citizen changed their mind). */
export async function upsertRating(
  trx: Executor,
  r: { report_id: string; incident_id: string; agency_code: string | null; score: number; comment: string | null; via: 'link' | 'api' },
  now: Date,
): Promise<{ created: boolean }> {
  const res = await sql<{ created: boolean }>`
    INSERT INTO ratings (report_id, incident_id, agency_code, score, comment, via, created_at, updated_at)
    VALUES (${r.report_id}::uuid, ${r.incident_id}::uuid, ${r.agency_code}, ${r.score}, ${r.comment}, ${r.via}, ${now.toISOString()}::timestamptz, ${now.toISOString()}::timestamptz)
    ON CONFLICT (report_id) DO UPDATE SET score = EXCLUDED.score, comment = EXCLUDED.comment, via = EXCLUDED.via,
      incident_id = EXCLUDED.incident_id, agency_code = EXCLUDED.agency_code, updated_at = EXCLUDED.updated_at
    RETURNING (xmax = 0) AS created`.execute(trx)
  return res.rows[0]!
}
