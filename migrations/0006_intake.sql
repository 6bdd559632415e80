-- Intake in one round trip. A report used to be inserted, then updated by the location check,
-- then updated again by incident matching, each a statement of its own planned anew: three
-- writes of one row and most of the intake's time in round trips and planning. Now one
-- PL/pgSQL call (plans cached per connection) checks the location, matches the incident and
-- inserts the report once, complete.

-- Open incidents by category and place, in one GiST index (btree_gist lets a text column
-- lead it): the match search reads only the open incidents of the report's category near the
-- point, not every incident there (at a million reports the location-only index handed it
-- thousands of closed and other-category rows). Measured at 600,000 incidents against a 4-D
-- index (place, time of the last report, category hash): 0.08-0.3 ms a search here, 0.1-0.7
-- ms there, whose splits followed time and hash rather than place.
CREATE EXTENSION IF NOT EXISTS btree_gist;
CREATE INDEX incidents_open_match_idx ON incidents USING gist (category_code, location)
  WHERE status NOT IN ('resolved', 'closed', 'rejected') AND merged_into IS NULL;

-- Incident matching for a point about to be stored as a report: joins the nearest open
-- incident of the group within the radius and time window, or opens one. The caller holds the
-- match locks of the point (server/incidents/incident.locks.ts; sigap_intake_reports takes
-- them for its whole batch first), so no other transaction is deciding the same place, and
-- each statement here has a fresh snapshot: it sees whatever the previous holder committed.
-- Generic plans: planning the search costs more than running it.
CREATE FUNCTION sigap_match_point(
  p_category text, p_channel text, p_pt geometry, p_region text, p_at timestamptz,
  p_categories text[], p_radius_m float8, p_window_h float8, p_dx float8, p_dy float8
) RETURNS TABLE (incident_id uuid, is_new boolean)
LANGUAGE plpgsql VOLATILE SET jit = off SET plan_cache_mode = force_generic_plan AS $$
#variable_conflict use_column
DECLARE
  win interval := p_window_h * interval '1 hour';
  box geometry := ST_MakeEnvelope(ST_X(p_pt) - p_dx, ST_Y(p_pt) - p_dy, ST_X(p_pt) + p_dx, ST_Y(p_pt) + p_dy, 4326);
  found_id uuid;
  best_d float8;
  cand_id uuid;
  cand_d float8;
  cat text;
BEGIN
  FOR attempt IN 1..3 LOOP
    -- One indexed search per category of the group (mostly one): `= cat` and the box lead the
    -- index, so the generic plan scans incidents_open_match_idx with both.
    found_id := NULL;
    FOREACH cat IN ARRAY p_categories LOOP
      SELECT i.id, i.location <-> p_pt INTO cand_id, cand_d FROM incidents i
      WHERE i.status NOT IN ('resolved', 'closed', 'rejected') AND i.merged_into IS NULL
        AND i.category_code = cat AND i.location && box
        AND ST_DWithin(i.location::geography, p_pt::geography, p_radius_m)
        AND i.last_reported_at >= p_at - win AND i.first_reported_at <= p_at + win
      ORDER BY i.location <-> p_pt, i.id
      LIMIT 1;
      IF cand_id IS NOT NULL AND (found_id IS NULL OR cand_d < best_d OR (cand_d = best_d AND cand_id < found_id)) THEN
        found_id := cand_id;
        best_d := cand_d;
      END IF;
    END LOOP;
    IF found_id IS NULL THEN
      INSERT INTO incidents (category_code, location, region_code, report_count, channels, first_reported_at, last_reported_at)
      VALUES (p_category, p_pt, p_region, 1, ARRAY[p_channel], p_at, p_at)
      RETURNING incidents.id INTO found_id;
      RETURN QUERY SELECT found_id, true;
      RETURN;
    END IF;
    -- Re-checked on the newest row version if another transaction changed it meanwhile: an
    -- incident resolved or merged in between is not joined; then decide again.
    UPDATE incidents i SET
      location = ST_SetSRID(ST_MakePoint((ST_X(i.location) * i.report_count + ST_X(p_pt)) / (i.report_count + 1),
                                         (ST_Y(i.location) * i.report_count + ST_Y(p_pt)) / (i.report_count + 1)), 4326),
      report_count = i.report_count + 1,
      channels = ARRAY(SELECT DISTINCT c FROM unnest(i.channels || p_channel) AS c ORDER BY c),
      first_reported_at = least(i.first_reported_at, p_at),
      last_reported_at = greatest(i.last_reported_at, p_at),
      region_code = coalesce(i.region_code, p_region),
      updated_at = now()
    WHERE i.id = found_id AND i.status NOT IN ('resolved', 'closed', 'rejected') AND i.merged_into IS NULL;
    IF FOUND THEN
      RETURN QUERY SELECT found_id, false;
      RETURN;
    END IF;
  END LOOP;
  RAISE EXCEPTION 'incident matching found no stable candidate for a report at %', ST_AsText(p_pt);
END
$$;

-- The agency that handles a category in a region: the region-specific rule with the longest
-- matching region prefix, else the category's default agency if it covers the region; NULL
-- when nobody does (the operator routes it by hand). Routing and re-routing use it.
CREATE FUNCTION sigap_agency_for(p_category text, p_region text) RETURNS text
-- PL/pgSQL, not SQL: its plan is kept for the session (a SQL function that cannot be inlined is
-- planned again on every call from another query's row).
LANGUAGE plpgsql STABLE AS $$
BEGIN
  RETURN (
    SELECT agency_code FROM (
      SELECT r.agency_code, length(r.region_code) AS specificity
      FROM routing_rules r JOIN agencies a ON a.code = r.agency_code AND a.active
      WHERE r.category_code = p_category AND (p_region = r.region_code OR p_region LIKE r.region_code || '.%')
      UNION ALL
      SELECT c.agency_code, -1
      FROM categories c JOIN agencies a ON a.code = c.agency_code AND a.active
      WHERE c.code = p_category
        AND (a.region_codes IS NULL OR EXISTS (SELECT 1 FROM unnest(a.region_codes) AS rc WHERE p_region = rc OR p_region LIKE rc || '.%'))
    ) x
    ORDER BY specificity DESC
    LIMIT 1);
END $$;

-- Holidays ('YYYY-MM-DD') among the Jakarta calendar days from p_from for p_days days: what SLA
-- clocks that count working days skip.
CREATE FUNCTION sigap_holidays(p_from timestamptz, p_days int) RETURNS text[]
LANGUAGE plpgsql STABLE AS $$
BEGIN
  IF p_days IS NULL THEN RETURN '{}'; END IF;
  RETURN ARRAY(SELECT day::text FROM holidays
               WHERE day BETWEEN (p_from AT TIME ZONE 'Asia/Jakarta')::date AND (p_from AT TIME ZONE 'Asia/Jakarta')::date + p_days
               ORDER BY day);
END $$;

-- One row of the intake's answer: the item's place in its batch (ord, from 1), its outcome
-- ('stored', or 'duplicate' with the rest NULL), the report, its location check, its incident,
-- and what routing a ticket it opened needs.
CREATE TYPE sigap_intake_row AS (
  ord int, outcome text,
  id uuid, reported_at timestamptz, received_at timestamptz,
  location_status text, claimed_code text, claimed_name text, detected_code text, detected_name text,
  claim_distance_m float8, region_code text, region_name text,
  incident_new boolean, i_id uuid, i_category_code text, i_status text, i_lat float8, i_lon float8,
  i_region_code text, i_region_name text, i_report_count integer, i_channels text[],
  i_first_reported_at timestamptz, i_last_reported_at timestamptz, i_merged_into uuid, i_split_from uuid,
  i_created_at timestamptz, i_updated_at timestamptz, i_agency_code text, i_routed_at timestamptz, i_is_emergency boolean,
  route_agency text, route_holidays text[]
);

-- The whole intake of one report (an item of sigap_intake_reports, below): location check
-- (sigap_location_check, 0003), incident matching when the item has `match` (none: the caller
-- attaches it, or matching is off), then the report row, written once. When matching opened an
-- incident it also reads what routing that ticket needs (its agency; the holidays over
-- `match.holiday_days` when its clocks count working days, else none), which saves the caller
-- a round trip. A second submission with a taken (channel, external_id) or idempotency key
-- fails with unique_violation.
CREATE FUNCTION sigap_intake_report(p_item jsonb, p_default_tol_m float8, p_ord int) RETURNS SETOF sigap_intake_row
LANGUAGE plpgsql VOLATILE SET jit = off AS $$
#variable_conflict use_column
DECLARE
  v_channel text := p_item->>'channel';
  v_category text := p_item->>'category';
  v_claim text := p_item->>'claim';
  v_accuracy_m float8 := (p_item->>'accuracy_m')::float8;
  m jsonb := nullif(p_item->'match', 'null'::jsonb);
  pt geometry := ST_SetSRID(ST_MakePoint((p_item->>'lon')::float8, (p_item->>'lat')::float8), 4326);
  at timestamptz := coalesce((p_item->>'reported_at')::timestamptz, now());
  chk record;
  inc uuid;
  opened boolean;
  rid uuid;
  rcv timestamptz;
BEGIN
  SELECT * INTO STRICT chk FROM sigap_location_check(pt, v_claim, v_accuracy_m, p_default_tol_m);
  IF m IS NOT NULL THEN
    SELECT x.incident_id, x.is_new INTO STRICT inc, opened
    FROM sigap_match_point(v_category, v_channel, pt, chk.region_code, at, ARRAY(SELECT jsonb_array_elements_text(m->'categories')),
      (m->>'radius_m')::float8, (m->>'window_h')::float8, (m->>'dx')::float8, (m->>'dy')::float8) x;
  END IF;
  INSERT INTO reports (channel, external_id, idempotency_key, category_code, description, location, accuracy_m, claimed_region,
                       region_code, reporter_name, reporter_phone, reporter_private, reported_at, incident_id,
                       location_status, claimed_region_code, detected_region_code, claim_distance_m, location_checked_at)
  VALUES (v_channel, p_item->>'external_id', p_item->>'idempotency_key', v_category, p_item->>'description', pt, v_accuracy_m, v_claim,
          chk.region_code, p_item->>'reporter_name', p_item->>'reporter_phone', coalesce((p_item->>'reporter_private')::boolean, false), at, inc,
          chk.status, chk.claimed_code, chk.detected_code, chk.distance_m, now())
  RETURNING reports.id, reports.received_at INTO rid, rcv;
  RETURN QUERY
    SELECT p_ord, 'stored'::text, rid, at, rcv, chk.status, chk.claimed_code, sigap_region_name(chk.claimed_code), chk.detected_code,
           sigap_region_name(chk.detected_code), chk.distance_m, chk.region_code, sigap_region_name(chk.region_code),
           opened, i.id, i.category_code, i.status, ST_Y(i.location), ST_X(i.location), i.region_code, g.name, i.report_count,
           i.channels, i.first_reported_at, i.last_reported_at, i.merged_into, i.split_from, i.created_at, i.updated_at,
           i.agency_code, i.routed_at, i.is_emergency,
           CASE WHEN opened THEN sigap_agency_for(i.category_code, i.region_code) END,
           CASE WHEN opened THEN sigap_holidays(i.created_at, (m->>'holiday_days')::int) END
    FROM (SELECT 1) one LEFT JOIN incidents i ON i.id = inc LEFT JOIN regions g ON g.code = i.region_code;
END
$$;

-- The intake of a batch of reports in one call and one transaction (server/reports/
-- intake.queue.ts gathers the reports that arrive while the previous batch is being stored).
-- p_items: a JSON array of {channel, external_id?, idempotency_key?, category, description, lon,
-- lat, accuracy_m?, claim?, reporter_name?, reporter_phone?, reporter_private?, reported_at?,
-- match?: {categories, radius_m, window_h, dx, dy, lock_keys, holiday_days}}. One row per item,
-- in order (sigap_intake_row): 'stored', or 'duplicate' when its external id or idempotency
-- key is taken (nothing of it stored). The match locks of every item are taken first, together and in one order, so two
-- batches never hold some each and wait for the other's; only then are incident rows locked.
CREATE FUNCTION sigap_intake_reports(p_items jsonb, p_default_tol_m float8) RETURNS SETOF sigap_intake_row
LANGUAGE plpgsql VOLATILE SET jit = off AS $$
#variable_conflict use_column
DECLARE
  it jsonb;
  n int := 0;
  dup sigap_intake_row;
BEGIN
  PERFORM pg_advisory_xact_lock(k)
  FROM (SELECT DISTINCT k::bigint AS k FROM jsonb_array_elements(p_items) AS e, jsonb_array_elements_text(e->'match'->'lock_keys') AS k) s
  ORDER BY k;
  FOR it IN SELECT e FROM jsonb_array_elements(p_items) AS e LOOP
    n := n + 1;
    IF it->>'external_id' IS NULL AND it->>'idempotency_key' IS NULL THEN
      RETURN QUERY SELECT * FROM sigap_intake_report(it, p_default_tol_m, n);
    ELSE
      -- A subtransaction only for reports that can collide with an earlier submission (at most
      -- one per item; the batch is kept within the 64 subtransactions a session caches).
      BEGIN
        RETURN QUERY SELECT * FROM sigap_intake_report(it, p_default_tol_m, n);
      EXCEPTION WHEN unique_violation THEN
        dup.ord := n;
        dup.outcome := 'duplicate';
        RETURN NEXT dup;
      END;
    END IF;
  END LOOP;
END
$$;

DROP FUNCTION sigap_match_incident(uuid, text[], float8, float8, float8, float8, bigint[]);
