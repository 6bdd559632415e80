import { sql } from 'kysely'
import type { TicketScope } from '../auth/principal.js'
import type { Executor } from '../db/database.js'

// What a viewer's scope lets them see, as SQL conditions: tickets and incidents (aliased i) and
// reports (aliased r). Read by every list that a scope narrows (tickets, incidents, reports,
// stats, the wall), so a file of its own that imports none of them.

/** The SQL condition that keeps a ticket list inside a viewer's scope. */
export function scopeCondition(scope: TicketScope) {
  if (scope.all) return sql`true`
  if ('agencyCode' in scope) return sql`i.agency_code = ${scope.agencyCode}`
  if (scope.regionCodes.length === 0) return sql`false`
  const codes = scope.regionCodes.join(',')
  return sql`EXISTS (SELECT 1 FROM unnest(string_to_array(${codes}, ',')) AS s WHERE i.region_code = s OR i.region_code LIKE s || '.%')`
}

/**
 * The same scope for reports (aliased r): a report is in it when its incident is, and, for a
 * region head, also when the report belongs to, claims or lies in one of their regions (a
 * mismatched report concerns the heads of both regions, as its dispute does).
 */
export function reportScopeCondition(scope: TicketScope) {
  if (scope.all) return sql<boolean>`true`
  const viaIncident = sql`EXISTS (SELECT 1 FROM incidents i WHERE i.id = r.incident_id AND ${scopeCondition(scope)})`
  if ('agencyCode' in scope || scope.regionCodes.length === 0) return sql<boolean>`${viaIncident}`
  const codes = scope.regionCodes.join(',')
  return sql<boolean>`(EXISTS (SELECT 1 FROM unnest(string_to_array(${codes}, ',')) AS s 
      CROSS JOIN LATERAL (VALUES (r.region_code), (r.claimed_region_code), (r.detected_region_code)) AS x(code)
      WHERE x.code = s OR x.code LIKE s || '.%') OR ${viaIncident})`
}

/** Whether one report is in a viewer's scope. */
export async function reportInScope(db: Executor, reportId: string, scope: TicketScope): Promise<boolean> {
  if (scope.all) return true
  const res = await sql<{ ok: boolean }>`SELECT ${reportScopeCondition(scope)} AS ok FROM reports r WHERE r.id = ${reportId}::uuid`.execute(db)
  return res.rows[0]?.ok === true
}
