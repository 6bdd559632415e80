-- Current definitions, re-applied by server/db/migrate.ts after the numbered migrations
-- (CREATE OR REPLACE: edit the function here, not in a new migration; see
-- docs/architecture-notes.md). Incident matching: duplicate reports of one problem join one
-- incident. The index it searches is incidents_open_match_idx (migration 0007): open incidents
-- by sigap_match_key, the category's number (0-4095, from its code) as a third dimension of
-- the point, so the tree keeps each category apart and splits it by place.

-- IMMUTABLE and from md5, which never changes, so the index and the search agree everywhere.
CREATE OR REPLACE FUNCTION sigap_match_slot(p_category text) RETURNS float8
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN (('x' || substr(md5(p_category), 1, 3))::bit(12))::int::float8;

-- The key an open incident is found by: its point with the category's number as Z (SRID 0,
-- the search box has none either).
CREATE OR REPLACE FUNCTION sigap_match_key(p_category text, p_location geometry) RETURNS geometry
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN ST_MakePoint(ST_X(p_location), ST_Y(p_location), sigap_match_slot(p_category));

-- Incident matching for a point about to be stored as a report: joins the nearest open
-- incident of the group within the radius and time window, or opens one. The caller holds the
-- match locks of the point (server/incidents/incident.locks.ts; sigap_intake_reports takes
-- them for its whole batch first), so no other transaction is deciding the same place, and
-- each statement here has a fresh snapshot: it sees whatever the previous holder committed.
-- Generic plans: planning the search costs more than running it. A new incident is inserted
-- routed (sigap_ticket_routing, from now) with its history (sigap_ticket_opened). It returns one
-- record, not a set, so intake calls it as an expression, without a query of its own.
-- p_route: the routing of (p_category, p_region) at now(), as `route` gave it back earlier in
-- the same transaction (NULL: not known yet); `route` is that routing when this call opened an
-- incident, so that a batch routes each (category, region) once.

-- The open incident a report at p_pt, at p_at, would join: of its group's categories, within
-- the radius and the time window, the nearest (then the smallest id). One search of the index
-- per category, in the category's slice of it. A SQL function of one SELECT: inlined into the
-- statement that calls it (its plan then kept with that statement's).
CREATE OR REPLACE FUNCTION sigap_nearest_open_incident(p_pt geometry, p_at timestamptz, p_categories text[],
  p_radius_m float8, p_window_h float8, p_dx float8, p_dy float8)
RETURNS TABLE (id uuid) LANGUAGE sql STABLE AS $$
  SELECT c.id FROM unnest(p_categories) AS cat(code)
  CROSS JOIN LATERAL (
    SELECT i.id, i.location <-> p_pt AS d FROM incidents i
    WHERE i.status NOT IN ('resolved', 'closed', 'rejected') AND i.merged_into IS NULL
      AND sigap_match_key(i.category_code, i.location)
          &&& ST_3DMakeBox(ST_MakePoint(ST_X(p_pt) - p_dx, ST_Y(p_pt) - p_dy, sigap_match_slot(cat.code)),
                           ST_MakePoint(ST_X(p_pt) + p_dx, ST_Y(p_pt) + p_dy, sigap_match_slot(cat.code)))::geometry
      AND i.category_code = cat.code
      AND ST_DWithin(i.location::geography, p_pt::geography, p_radius_m)
      AND i.last_reported_at >= p_at - p_window_h * interval '1 hour'
      AND i.first_reported_at <= p_at + p_window_h * interval '1 hour'
    ORDER BY i.location <-> p_pt, i.id LIMIT 1) c
  ORDER BY c.d, c.id LIMIT 1
$$;

-- Reports join incidents (the i-th report, at p_points[i], joins p_ids[i]; one report an
-- incident): the incident's point becomes the mean of its reports', its channels and time span
-- grow. Re-checked on the newest row version if another transaction changed it meanwhile: an
-- incident resolved or merged in between is not joined (no row for it). Answers the incidents
-- as joined.
CREATE OR REPLACE FUNCTION sigap_join_incidents(p_ids uuid[], p_points geometry[], p_channels text[], p_at timestamptz[], p_regions text[])
RETURNS SETOF incidents LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  r incidents;
BEGIN
  FOR r IN
    UPDATE incidents i SET
      location = ST_SetSRID(ST_MakePoint((ST_X(i.location) * i.report_count + ST_X(j.pt)) / (i.report_count + 1),
                                         (ST_Y(i.location) * i.report_count + ST_Y(j.pt)) / (i.report_count + 1)), 4326),
      report_count = i.report_count + 1,
      channels = ARRAY(SELECT DISTINCT c FROM unnest(i.channels || j.channel) AS c ORDER BY c),
      first_reported_at = least(i.first_reported_at, j.at),
      last_reported_at = greatest(i.last_reported_at, j.at),
      region_code = coalesce(i.region_code, j.region_code),
      updated_at = now()
    FROM unnest(p_ids, p_points, p_channels, p_at, p_regions) AS j(id, pt, channel, at, region_code)
    WHERE i.id = j.id AND i.status NOT IN ('resolved', 'closed', 'rejected') AND i.merged_into IS NULL
    RETURNING i.*
  LOOP
    RETURN NEXT r;
  END LOOP;
END $$;

CREATE OR REPLACE FUNCTION sigap_match_point(
  p_category text, p_channel text, p_pt geometry, p_region text, p_at timestamptz,
  p_categories text[], p_radius_m float8, p_window_h float8, p_dx float8, p_dy float8, p_route jsonb,
  OUT incident_id uuid, OUT is_new boolean, OUT route jsonb
)
LANGUAGE plpgsql VOLATILE SET jit = off SET plan_cache_mode = force_generic_plan AS $$
#variable_conflict use_column
DECLARE
  found_id uuid;
  agency text;
BEGIN
  FOR attempt IN 1..3 LOOP
    SELECT n.id INTO found_id FROM sigap_nearest_open_incident(p_pt, p_at, p_categories, p_radius_m, p_window_h, p_dx, p_dy) n;
    IF found_id IS NULL THEN
      IF p_route IS NULL THEN
        SELECT to_jsonb(t) INTO p_route FROM sigap_ticket_routing(p_category, p_region, now()) t;
      END IF;
      route := p_route;
      INSERT INTO incidents (category_code, location, region_code, report_count, channels, first_reported_at, last_reported_at,
                             agency_code, priority, is_emergency, response_due_at, resolve_due_at, routed_at, status_changed_at)
      VALUES (p_category, p_pt, p_region, 1, ARRAY[p_channel], p_at, p_at,
              p_route->>'agency_code', (p_route->>'priority')::smallint, (p_route->>'is_emergency')::boolean,
              (p_route->>'response_due_at')::timestamptz, (p_route->>'resolve_due_at')::timestamptz, now(), now())
      RETURNING incidents.id, incidents.agency_code INTO found_id, agency;
      PERFORM sigap_ticket_opened(found_id, 'new', now(), agency, now());
      incident_id := found_id;
      is_new := true;
      RETURN;
    END IF;
    -- An incident resolved or merged in between is not joined; then decide again.
    PERFORM 1 FROM sigap_join_incidents(ARRAY[found_id], ARRAY[p_pt], ARRAY[p_channel], ARRAY[p_at], ARRAY[p_region]);
    IF FOUND THEN
      incident_id := found_id;
      is_new := false;
      RETURN;
    END IF;
  END LOOP;
  RAISE EXCEPTION 'incident matching found no stable candidate for a report at %', ST_AsText(p_pt);
END
$$;
