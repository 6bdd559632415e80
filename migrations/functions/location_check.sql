-- Current definitions, re-applied by server/db/migrate.ts after the numbered migrations
-- (CREATE OR REPLACE: edit the function here, not in a new migration; see
-- docs/architecture-notes.md). The location check of every report (claimed region vs
-- the region its point is in), as SQL, so that intake (one report) and the bulk re-check (a
-- batch at a time) run the same rules. Claims are resolved by regions.sql.

-- The location check of a point against the region its claim was resolved to (p_claim: that
-- code, NULL when the claim named none; p_claimed: whether there was a claim at all).
-- Statuses:
--   match          the point is in the claimed region (or in a region under it);
--   near_boundary  outside it, but within the tolerance (the larger of the GPS accuracy and
--                  the default), which also covers the gaps and overlaps of real boundary data;
--   mismatch       clearly in another region;
--   outside        in no region we cover, and not near the claimed one;
--   unknown_claim  the claim names no region we know;  unclaimed: there is no claim.
-- detected_code: the smallest region containing the point (the claimed one or one under it
-- when several overlap there); in a gap between boundaries, the nearest within the tolerance.
-- region_code is where the report belongs until someone decides otherwise: the region of the
-- point when it matches or there is no usable claim, the claimed region otherwise (a mismatch
-- stays with the claimed region until its dispute is settled; a kecamatan known only from its
-- kelurahan: its kelurahan nearest the point).
-- One SELECT in SQL so that PostgreSQL inlines it into the calling query: the bulk re-check
-- then runs it set-wise over a batch, with no per-report function call.
CREATE OR REPLACE FUNCTION sigap_check_resolved(p_pt geometry, p_claim text, p_claimed boolean, p_accuracy_m float8, p_default_tol_m float8)
RETURNS TABLE (status text, claimed_code text, detected_code text, distance_m float8, region_code text)
LANGUAGE sql STABLE AS $$
  SELECT
    CASE WHEN NOT p_claimed THEN 'unclaimed' WHEN p_claim IS NULL THEN 'unknown_claim' WHEN ins.code IS NOT NULL THEN 'match'
         WHEN dc.d <= tol.t THEN 'near_boundary' WHEN det.code IS NOT NULL THEN 'mismatch' ELSE 'outside' END,
    CASE WHEN p_claimed THEN p_claim END,
    coalesce(ins.code, det.code),
    CASE WHEN NOT p_claimed OR p_claim IS NULL THEN NULL WHEN ins.code IS NOT NULL THEN 0::float8 ELSE dc.d END,
    CASE WHEN NOT p_claimed OR p_claim IS NULL OR ins.code IS NOT NULL THEN coalesce(ins.code, det.code) ELSE dc.keep_in END
  FROM (SELECT greatest(coalesce(p_accuracy_m, 0), p_default_tol_m) AS t) tol
  -- Every region containing the point, smallest level first (overlaps give several).
  CROSS JOIN LATERAL (
    SELECT array_agg(h.code ORDER BY h.rank, h.code) AS hits FROM (
      SELECT DISTINCT g.code, CASE g.level WHEN 'kelurahan' THEN 0 WHEN 'kecamatan' THEN 1 WHEN 'kabupaten' THEN 2 ELSE 3 END AS rank
      FROM region_parts rp JOIN regions g ON g.code = rp.region_code WHERE ST_Intersects(rp.geom, p_pt)) h
  ) hs
  LEFT JOIN LATERAL (
    SELECT u.c AS code FROM unnest(hs.hits) WITH ORDINALITY AS u(c, o)
    WHERE p_claimed AND p_claim IS NOT NULL AND (u.c = p_claim OR u.c LIKE p_claim || '.%') ORDER BY u.o LIMIT 1
  ) ins ON true
  -- In a gap between boundaries: the nearest region within the tolerance. The box is in degrees
  -- and surely contains the tolerance (a degree of longitude shrinks with latitude).
  CROSS JOIN LATERAL (
    SELECT coalesce(hs.hits[1], (
      SELECT rp.region_code FROM region_parts rp
      WHERE rp.geom && ST_Expand(p_pt, tol.t / (111320 * greatest(0.01, cos(radians(ST_Y(p_pt))))) * 1.01)
        AND ST_DWithin(rp.geom::geography, p_pt::geography, tol.t)
      ORDER BY ST_Distance(rp.geom::geography, p_pt::geography), rp.region_code LIMIT 1)) AS code
  ) det
  -- Off the claimed region: how far from it, and which region the report stays with meanwhile.
  LEFT JOIN LATERAL (
    SELECT CASE WHEN EXISTS (SELECT 1 FROM regions x WHERE x.code = p_claim) THEN p_claim ELSE z.code END AS keep_in, z.d
    FROM (
      SELECT rp.region_code AS code, ST_Distance(rp.geom::geography, p_pt::geography) AS d FROM region_parts rp WHERE rp.region_code = p_claim
      UNION ALL
      SELECT rp.region_code, ST_Distance(rp.geom::geography, p_pt::geography)
      FROM regions ch JOIN region_parts rp ON rp.region_code = ch.code
      WHERE ch.parent_code = p_claim AND NOT EXISTS (SELECT 1 FROM regions x WHERE x.code = p_claim)
    ) z
    WHERE p_claimed AND p_claim IS NOT NULL AND ins.code IS NULL
    ORDER BY z.d, z.code LIMIT 1
  ) dc ON true
$$;

-- The whole check of one report: its claim resolved, then checked (intake uses this). PL/pgSQL
-- with a generic plan, so the query is planned once per connection rather than on every call
-- (its custom plans look cheaper, and planning it costs more than running it); without JIT,
-- which would compile it on every call (the planner's estimates for the spatial lookups are
-- far above the JIT threshold).
CREATE OR REPLACE FUNCTION sigap_location_check(p_pt geometry, p_claim text, p_accuracy_m float8, p_default_tol_m float8)
RETURNS TABLE (status text, claimed_code text, detected_code text, distance_m float8, region_code text)
LANGUAGE plpgsql STABLE ROWS 1 SET jit = off SET plan_cache_mode = force_generic_plan AS $$
#variable_conflict use_column
BEGIN
  -- OFFSET 0 keeps the claim resolved once: otherwise the call is copied into every use.
  RETURN QUERY
    SELECT x.* FROM (SELECT sigap_resolve_claim(p_claim, p_pt) AS code OFFSET 0) c,
      sigap_check_resolved(p_pt, c.code, coalesce(btrim(p_claim), '') <> '', p_accuracy_m, p_default_tol_m) x;
END $$;

-- The same check with the claim's candidates (sigap_claim_candidates) already worked out: a
-- batch of intake resolves each distinct claim once (sigap_intake_reports).
CREATE OR REPLACE FUNCTION sigap_location_check(p_pt geometry, p_claim text, p_candidates text[], p_accuracy_m float8, p_default_tol_m float8)
RETURNS TABLE (status text, claimed_code text, detected_code text, distance_m float8, region_code text)
LANGUAGE plpgsql STABLE ROWS 1 SET jit = off SET plan_cache_mode = force_generic_plan AS $$
#variable_conflict use_column
BEGIN
  RETURN QUERY
    SELECT x.* FROM (SELECT sigap_nearest_of(p_candidates, p_pt) AS code OFFSET 0) c,
      sigap_check_resolved(p_pt, c.code, coalesce(btrim(p_claim), '') <> '', p_accuracy_m, p_default_tol_m) x;
END $$;
