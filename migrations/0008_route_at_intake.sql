-- A new ticket is routed as its incident is inserted. Intake used to insert the incident, then
-- route it with an UPDATE from the next statement: one more round trip per batch, and a second
-- version of a row just written, with an entry in every one of its indexes again. SLA due times
-- are now worked out here, in one place (they were in server/agencies/sla.ts), so both the
-- insert and later routing (of an incident a split made, or an attached one) use them.

-- SLA due time. On the clock: start + minutes. On working days (SP4N-LAPOR! style): only time on
-- working days counts, days being WIB calendar days (Asia/Jakarta, UTC+7 without daylight
-- saving) without Saturdays, Sundays and the holidays table. "3 working days" from Friday
-- 16:00 WIB is therefore Wednesday 16:00 WIB; received on a Saturday, the clock starts Monday
-- 00:00 WIB.
CREATE FUNCTION sigap_sla_due(p_start timestamptz, p_minutes int, p_working boolean) RETURNS timestamptz
LANGUAGE plpgsql STABLE AS $$
DECLARE
  -- Counted in WIB wall-clock time, exact because Asia/Jakarta keeps no daylight saving; the
  -- holidays read once (a query per day cost 9 µs, 90 µs for a ten-working-day clock).
  t timestamp := p_start AT TIME ZONE 'Asia/Jakarta';
  remaining interval := p_minutes * interval '1 minute';
  off date[];
  d date;
  next_midnight timestamp;
BEGIN
  IF NOT p_working THEN
    RETURN p_start + remaining;
  END IF;
  off := ARRAY(SELECT h.day FROM holidays h WHERE h.day >= t::date);
  -- Bounded: even a year of holidays cannot make this loop long.
  FOR i IN 1..3660 LOOP
    d := t::date;
    next_midnight := (d + 1)::timestamp;
    IF extract(isodow FROM d) < 6 AND NOT d = ANY (off) THEN
      IF remaining <= next_midnight - t THEN
        RETURN (t + remaining) AT TIME ZONE 'Asia/Jakarta';
      END IF;
      remaining := remaining - (next_midnight - t);
    END IF;
    t := next_midnight;
  END LOOP;
  RAISE EXCEPTION 'SLA due time is more than ten years away';
END $$;

-- A ticket's first two history rows: "opened" at its creation, then "routed" (to nobody, with
-- a note saying so, when no agency covers the category in the region).
-- PL/pgSQL, not SQL: its plan is kept for the session (a SQL function that cannot be inlined is
-- planned again on every call, 0.1 ms here).
CREATE FUNCTION sigap_ticket_opened(p_id uuid, p_status text, p_created_at timestamptz, p_agency text, p_routed_at timestamptz)
RETURNS void LANGUAGE plpgsql VOLATILE AS $$
BEGIN
  INSERT INTO ticket_events (incident_id, kind, to_status, agency_code, actor_role, note, data, at) VALUES
    (p_id, 'opened', p_status, NULL, 'system', NULL, '{}'::jsonb, p_created_at),
    (p_id, 'routed', NULL, p_agency, 'system',
     CASE WHEN p_agency IS NULL THEN 'no agency covers this category in this region: route by hand' END,
     '{"rule":"category_region"}'::jsonb, p_routed_at);
END $$;

-- What routing gives a new ticket of a category in a region, opened at p_created: its agency
-- (sigap_agency_for, NULL when nobody covers the region), its category's priority and
-- emergency flag, and its SLA due times. The one rule for intake's insert and later routing.
CREATE FUNCTION sigap_ticket_routing(p_category text, p_region text, p_created timestamptz,
  OUT agency_code text, OUT priority smallint, OUT is_emergency boolean, OUT response_due_at timestamptz, OUT resolve_due_at timestamptz)
LANGUAGE plpgsql STABLE AS $$
DECLARE
  c categories;
BEGIN
  SELECT * INTO STRICT c FROM categories WHERE code = p_category;
  agency_code := sigap_agency_for(p_category, p_region);
  priority := c.priority;
  is_emergency := c.is_emergency;
  response_due_at := sigap_sla_due(p_created, c.sla_response_minutes, c.sla_working_days);
  resolve_due_at := sigap_sla_due(p_created, c.sla_resolve_minutes, c.sla_working_days);
END $$;

-- Routes incidents made some other way (a split, an attached report's incident not routed
-- yet) that the caller holds: what intake's insert below does, as an update. Returns the
-- rows as routed.
CREATE FUNCTION sigap_route_tickets(p_ids uuid[], p_routed_at timestamptz) RETURNS SETOF incidents
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  r incidents;
BEGIN
  FOR r IN
    UPDATE incidents x SET (agency_code, priority, is_emergency, response_due_at, resolve_due_at) =
        (SELECT t.* FROM sigap_ticket_routing(x.category_code, x.region_code, x.created_at) t),
      routed_at = p_routed_at, status_changed_at = x.created_at
    WHERE x.id = ANY (p_ids)
    RETURNING x.*
  LOOP
    PERFORM sigap_ticket_opened(r.id, r.status, r.created_at, r.agency_code, r.routed_at);
    RETURN NEXT r;
  END LOOP;
END $$;

-- As in 0006, but searching the index of 0007 (`&&&`: boxes in three dimensions), and a new
-- incident is inserted routed (sigap_ticket_routing, from now) with its history. It returns one
-- record instead of a set, so the intake calls it as an expression, without a query of its own.
DROP FUNCTION sigap_match_point(text, text, geometry, text, timestamptz, text[], float8, float8, float8, float8);
CREATE FUNCTION sigap_match_point(
  p_category text, p_channel text, p_pt geometry, p_region text, p_at timestamptz,
  p_categories text[], p_radius_m float8, p_window_h float8, p_dx float8, p_dy float8,
  OUT incident_id uuid, OUT is_new boolean
)
LANGUAGE plpgsql VOLATILE SET jit = off SET plan_cache_mode = force_generic_plan AS $$
#variable_conflict use_column
DECLARE
  win interval := p_window_h * interval '1 hour';
  x float8 := ST_X(p_pt);
  y float8 := ST_Y(p_pt);
  found_id uuid;
  best_d float8;
  cand_id uuid;
  cand_d float8;
  cat text;
  slot float8;
  agency text;
BEGIN
  FOR attempt IN 1..3 LOOP
    found_id := NULL;
    FOREACH cat IN ARRAY p_categories LOOP
      slot := sigap_match_slot(cat);
      SELECT i.id, i.location <-> p_pt INTO cand_id, cand_d FROM incidents i
      WHERE i.status NOT IN ('resolved', 'closed', 'rejected') AND i.merged_into IS NULL
        AND sigap_match_key(i.category_code, i.location)
            &&& ST_3DMakeBox(ST_MakePoint(x - p_dx, y - p_dy, slot), ST_MakePoint(x + p_dx, y + p_dy, slot))::geometry
        AND i.category_code = cat
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
      INSERT INTO incidents (category_code, location, region_code, report_count, channels, first_reported_at, last_reported_at,
                             agency_code, priority, is_emergency, response_due_at, resolve_due_at, routed_at, status_changed_at)
      SELECT p_category, p_pt, p_region, 1, ARRAY[p_channel], p_at, p_at,
             t.agency_code, t.priority, t.is_emergency, t.response_due_at, t.resolve_due_at, now(), now()
      FROM sigap_ticket_routing(p_category, p_region, now()) t
      RETURNING incidents.id, incidents.agency_code INTO found_id, agency;
      PERFORM sigap_ticket_opened(found_id, 'new', now(), agency, now());
      incident_id := found_id;
      is_new := true;
      RETURN;
    END IF;
    -- Re-checked on the newest row version if another transaction changed it meanwhile: an
    -- incident resolved or merged in between is not joined; then decide again.
    UPDATE incidents i SET
      location = ST_SetSRID(ST_MakePoint((ST_X(i.location) * i.report_count + x) / (i.report_count + 1),
                                         (ST_Y(i.location) * i.report_count + y) / (i.report_count + 1)), 4326),
      report_count = i.report_count + 1,
      channels = ARRAY(SELECT DISTINCT c FROM unnest(i.channels || p_channel) AS c ORDER BY c),
      first_reported_at = least(i.first_reported_at, p_at),
      last_reported_at = greatest(i.last_reported_at, p_at),
      region_code = coalesce(i.region_code, p_region),
      updated_at = now()
    WHERE i.id = found_id AND i.status NOT IN ('resolved', 'closed', 'rejected') AND i.merged_into IS NULL;
    IF FOUND THEN
      incident_id := found_id;
      is_new := false;
      RETURN;
    END IF;
  END LOOP;
  RAISE EXCEPTION 'incident matching found no stable candidate for a report at %', ST_AsText(p_pt);
END
$$;

-- The intake's answer row, now with the whole new ticket (what its ticket.routed event shows)
-- instead of what routing it used to need.
ALTER TYPE sigap_intake_row
  DROP ATTRIBUTE route_agency, DROP ATTRIBUTE route_holidays,
  ADD ATTRIBUTE i_agency_name text, ADD ATTRIBUTE i_priority smallint, ADD ATTRIBUTE i_response_due_at timestamptz,
  ADD ATTRIBUTE i_resolve_due_at timestamptz, ADD ATTRIBUTE i_status_changed_at timestamptz;

-- As in 0006, returning the new row (the match plan no longer carries holiday_days, and its
-- categories are a comma-separated list). sigap_intake_reports (0006) calls it as before.
CREATE OR REPLACE FUNCTION sigap_intake_report(p_item jsonb, p_default_tol_m float8, p_ord int) RETURNS SETOF sigap_intake_row
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
  matched record;
  inc uuid;
  opened boolean;
  rid uuid;
  rcv timestamptz;
BEGIN
  SELECT * INTO STRICT chk FROM sigap_location_check(pt, v_claim, v_accuracy_m, p_default_tol_m);
  IF m IS NOT NULL THEN
    -- Categories as "a,b" (not a JSON array): the call stays an expression, without a subquery.
    matched := sigap_match_point(v_category, v_channel, pt, chk.region_code, at, string_to_array(m->>'categories', ','),
      (m->>'radius_m')::float8, (m->>'window_h')::float8, (m->>'dx')::float8, (m->>'dy')::float8);
    inc := matched.incident_id;
    opened := matched.is_new;
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
           i.agency_code, i.routed_at, i.is_emergency, a.short_name, i.priority, i.response_due_at, i.resolve_due_at,
           i.status_changed_at
    FROM (SELECT 1) one LEFT JOIN incidents i ON i.id = inc LEFT JOIN regions g ON g.code = i.region_code
    LEFT JOIN agencies a ON a.code = i.agency_code;
END
$$;

-- Routing now reads no holidays of its own.
DROP FUNCTION sigap_holidays(timestamptz, int);
