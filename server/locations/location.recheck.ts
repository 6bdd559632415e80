import { sql, type Transaction } from 'kysely'
import type { Database, LocationStatus } from '../db/database.js'
import { clearDisputes, openDisputes } from '../disputes/dispute.service.js'
import { appendEvent } from '../events/event.repository.js'
import type { Config } from '../config.js'
import type { Db } from '../db/connect.js'

/** The server's Deps fit; so does the CLI's bare database and config. Other processes hear of the events by NOTIFY. */
export interface RecheckDeps {
  db: Db
  config: Config
}

export interface RecheckResult {
  checked: number
  /** Reports whose check outcome (status, claimed or detected region, distance) changed. */
  changed: number
  /** 'old → new' status (old 'unchecked' for reports never checked) → count; only where the status changed. */
  transitions: Record<string, number>
  /** Reports now in another region (those with a settled dispute keep theirs). */
  regionChanged: number
  disputesOpened: number
  disputesCleared: number
}

interface ChangedRow {
  id: string
  old_status: LocationStatus | null
  new_status: LocationStatus
  claimed_code: string | null
  detected_code: string | null
  distance_m: number | null
  accuracy_m: number | null
  lon: number
  lat: number
  /** Whether it became a mismatch, or a mismatch between other regions than before. */
  new_mismatch: boolean
  region_changed: boolean
}

/**
 * Re-checks every stored report against the boundaries as they are now (after an import), a
 * batch of reports per transaction and one UPDATE per batch: the same SQL function as intake
 * (sigap_location_check) applied to the batch set-wise. Only reports whose outcome changed
 * are written. New mismatches open disputes; undecided disputes that are no longer a
 * mismatch are cleared. Resumable by construction: a batch that committed need not run again.
 */
export async function recheckLocations(deps: RecheckDeps, opts: { batchSize?: number; onBatch?: (r: RecheckResult) => void } = {}): Promise<RecheckResult> {
  const batch = opts.batchSize ?? 5000
  const tol = deps.config.SIGAP_BOUNDARY_TOLERANCE_M
  const total: RecheckResult = { checked: 0, changed: 0, transitions: {}, regionChanged: 0, disputesOpened: 0, disputesCleared: 0 }
  // Run right after an import, before autovacuum has looked at the new boundaries: without
  // statistics the planner may scan every region for each report.
  await sql`ANALYZE regions`.execute(deps.db.db)
  await sql`ANALYZE region_parts`.execute(deps.db.db)
  let after = '00000000-0000-0000-0000-000000000000'
  for (;;) {
    const upper = await sql<{ id: string }>`
      SELECT id FROM reports WHERE id > ${after}::uuid ORDER BY id OFFSET ${batch - 1} LIMIT 1`.execute(deps.db.db)
    const upTo = upper.rows[0]?.id ?? null
    const step = await deps.db.db.transaction().execute((trx) => recheckRange(trx, deps, after, upTo, tol))
    total.checked += step.checked
    total.changed += step.changed
    total.regionChanged += step.regionChanged
    total.disputesOpened += step.disputesOpened
    total.disputesCleared += step.disputesCleared
    for (const [k, v] of Object.entries(step.transitions)) total.transitions[k] = (total.transitions[k] ?? 0) + v
    opts.onBatch?.(total)
    if (upTo === null) break
    after = upTo
  }
  return total
}

/** One batch: reports with after < id <= upTo (no upper bound when upTo is null). */
async function recheckRange(trx: Transaction<Database>, deps: RecheckDeps, after: string, upTo: string | null, tol: number): Promise<RecheckResult> {
  const range = upTo === null ? sql`r.id > ${after}::uuid` : sql`r.id > ${after}::uuid AND r.id <= ${upTo}::uuid`
  // The planner's cost estimates for the spatial lookups are far above the JIT threshold, and
  // compiling this statement takes longer than running it.
  await sql`SET LOCAL jit = off`.execute(trx)
  const res = await sql<ChangedRow & { n: number }>`
    WITH batch AS (
      SELECT r.id, r.location, r.claimed_region, r.accuracy_m, r.location_status, r.claimed_region_code, r.detected_region_code,
             r.claim_distance_m, r.region_code,
             EXISTS (SELECT 1 FROM location_disputes d WHERE d.report_id = r.id AND d.state IN ('moved', 'kept')) AS settled
      FROM reports r WHERE ${range} FOR UPDATE OF r
    ), claims AS MATERIALIZED (
      -- What each distinct claim may mean, worked out once per batch (claims repeat a lot), as one
      -- lookup object: the planner cannot estimate a uuid range's size, and with a join it may
      -- scan the claims once per report.
      SELECT coalesce(jsonb_object_agg(c.claim, to_jsonb(sigap_claim_candidates(c.claim))), '{}'::jsonb) AS m
      FROM (SELECT DISTINCT claimed_region AS claim FROM batch WHERE claimed_region IS NOT NULL) c
    ), chk AS (
      -- The same rules as intake's sigap_location_check, inlined into this query.
      SELECT b.*, c.status AS n_status, c.claimed_code AS n_claimed, c.detected_code AS n_detected, c.distance_m AS n_distance,
             CASE WHEN b.settled THEN b.region_code ELSE c.region_code END AS n_region
      FROM batch b CROSS JOIN claims cl
      -- OFFSET 0: resolved once per report, not copied into every use inside the check.
      CROSS JOIN LATERAL (SELECT cl.m -> b.claimed_region AS cands OFFSET 0) cj
      CROSS JOIN LATERAL (
        SELECT CASE WHEN jsonb_typeof(cj.cands) IS DISTINCT FROM 'array' THEN NULL
                    WHEN jsonb_array_length(cj.cands) = 1 THEN cj.cands ->> 0
                    ELSE sigap_nearest_of(ARRAY(SELECT jsonb_array_elements_text(cj.cands)), b.location) END AS code
        OFFSET 0) cc
      CROSS JOIN LATERAL sigap_check_resolved(b.location, cc.code, coalesce(btrim(b.claimed_region), '') <> '', b.accuracy_m, ${tol}::float8) c
    ), upd AS (
      UPDATE reports r SET location_status = chk.n_status, claimed_region_code = chk.n_claimed, detected_region_code = chk.n_detected,
        claim_distance_m = chk.n_distance, region_code = chk.n_region, location_checked_at = now()
      FROM chk
      WHERE r.id = chk.id AND (chk.location_status IS DISTINCT FROM chk.n_status OR chk.claimed_region_code IS DISTINCT FROM chk.n_claimed
        OR chk.detected_region_code IS DISTINCT FROM chk.n_detected OR chk.region_code IS DISTINCT FROM chk.n_region
        -- Distances that moved by less than a metre are not a change worth a write.
        OR abs(coalesce(chk.claim_distance_m, -1) - coalesce(chk.n_distance, -1)) >= 1)
      RETURNING r.id, chk.location_status AS old_status, chk.n_status AS new_status, chk.n_claimed AS claimed_code,
        chk.n_detected AS detected_code, chk.n_distance AS distance_m, chk.accuracy_m, ST_X(chk.location) AS lon, ST_Y(chk.location) AS lat,
        chk.n_status = 'mismatch' AND (chk.location_status IS DISTINCT FROM 'mismatch' OR chk.claimed_region_code IS DISTINCT FROM chk.n_claimed
          OR chk.detected_region_code IS DISTINCT FROM chk.n_detected) AS new_mismatch,
        chk.region_code IS DISTINCT FROM chk.n_region AS region_changed
    )
    SELECT upd.*, (SELECT count(*) FROM batch)::int AS n FROM upd
    UNION ALL
    -- One row even when nothing changed, to carry the batch size.
    SELECT NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, false, false, (SELECT count(*) FROM batch)::int`.execute(trx)
  const changed = res.rows.filter((r) => r.id !== null)
  const result: RecheckResult = {
    checked: res.rows[0]?.n ?? 0,
    changed: changed.length,
    transitions: {},
    regionChanged: changed.filter((r) => r.region_changed).length,
    disputesOpened: 0,
    disputesCleared: 0,
  }
  for (const r of changed) {
    if (r.old_status === r.new_status) continue // same outcome, other distance or regions: counted in `changed` only
    const key = `${r.old_status ?? 'unchecked'} → ${r.new_status}`
    result.transitions[key] = (result.transitions[key] ?? 0) + 1
  }
  // An undecided dispute that no longer describes the report (no mismatch now, or between other
  // regions) is cleared first; then new mismatches open theirs.
  result.disputesCleared = await clearDisputes(trx, deps, changed.filter((r) => r.old_status === 'mismatch' && (r.new_status !== 'mismatch' || r.new_mismatch)).map((r) => r.id))
  const toOpen = changed.filter((r) => r.new_mismatch && r.claimed_code && r.detected_code)
  const opened = await openDisputes(
    trx,
    deps,
    toOpen.map((r) => ({ report_id: r.id, claimed_region_code: r.claimed_code!, detected_region_code: r.detected_code!, lon: r.lon, lat: r.lat, distance_m: r.distance_m, accuracy_m: r.accuracy_m })),
    'recheck',
  )
  result.disputesOpened = opened.length
  // One event per batch rather than per report (a re-check may touch a million): screens reload.
  if (result.changed) await appendEvent(trx, 'locations.rechecked', { ...result, cause: 'boundaries' })
  return result
}
