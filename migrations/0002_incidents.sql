-- Incidents: duplicate reports of one problem become one incident (the ticket agencies act
-- on; the tickets migration adds lifecycle columns to this table). Hotspot snapshots.

CREATE TABLE incidents (
  id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  category_code      text NOT NULL REFERENCES categories(code),
  -- Ticket states: new, verified, dispatched, in_progress, resolved, closed, rejected, reopened.
  -- Open for matching while status NOT IN ('resolved', 'closed', 'rejected').
  status             text NOT NULL DEFAULT 'new',
  -- Mean position of its reports; moves as reports join.
  location           geometry(Point, 4326) NOT NULL,
  region_code        text REFERENCES regions(code) ON DELETE SET NULL,
  report_count       integer NOT NULL DEFAULT 0,
  channels           text[] NOT NULL DEFAULT '{}',
  first_reported_at  timestamptz NOT NULL,
  last_reported_at   timestamptz NOT NULL,
  -- Set when an operator merged this incident into another: it then has no reports and is
  -- closed, and the id keeps pointing somewhere for anyone who held it.
  merged_into        uuid REFERENCES incidents(id),
  -- Set when an operator split reports out of another incident into this one (makes a
  -- retried split answer with the incident the first attempt created).
  split_from         uuid REFERENCES incidents(id),
  created_at         timestamptz NOT NULL DEFAULT now(),
  updated_at         timestamptz NOT NULL DEFAULT now()
);
-- One spatial index serves matching (few closed incidents share a spot) and the map's bbox
-- queries; a second, partial one for open incidents only cost every intake more than it saved.
CREATE INDEX incidents_location_idx ON incidents USING gist (location);
CREATE INDEX incidents_last_reported_idx ON incidents (last_reported_at);
CREATE INDEX incidents_region_idx ON incidents (region_code);

-- Null only inside the intake transaction, between the report's insert and its matching step.
ALTER TABLE reports ADD COLUMN incident_id uuid REFERENCES incidents(id);
CREATE INDEX reports_incident_idx ON reports (incident_id);

-- Incident matching for one new report, in one round trip: waits for the match locks, then
-- (each statement with a fresh snapshot, so it sees whatever the previous lock holder
-- committed) joins the nearest open incident of the report's group within the radius and time
-- window, or opens one, and links the report. Plans are cached by PL/pgSQL. Called by
-- server/incidents/incident.repository.ts, which computes the lock keys and the search box.
CREATE FUNCTION sigap_match_incident(
  p_report uuid, p_categories text[], p_radius_m float8, p_window_h float8,
  p_dx float8, p_dy float8, p_lock_keys bigint[]
) RETURNS TABLE (
  id uuid, category_code text, status text, lat float8, lon float8, region_code text, region_name text,
  report_count integer, channels text[], first_reported_at timestamptz, last_reported_at timestamptz,
  merged_into uuid, split_from uuid, created_at timestamptz, updated_at timestamptz, is_new boolean
)
LANGUAGE plpgsql VOLATILE AS $$
#variable_conflict use_column
DECLARE
  r record;
  k bigint;
  win interval := p_window_h * interval '1 hour';
  found_id uuid;
  opened boolean;
BEGIN
  FOREACH k IN ARRAY p_lock_keys LOOP
    PERFORM pg_advisory_xact_lock(k);
  END LOOP;
  SELECT rp.category_code, rp.channel, rp.location, rp.region_code, rp.reported_at INTO STRICT r FROM reports rp WHERE rp.id = p_report;
  FOR attempt IN 1..3 LOOP
    SELECT i.id INTO found_id FROM incidents i
    WHERE i.status NOT IN ('resolved', 'closed', 'rejected') AND i.merged_into IS NULL
      AND i.category_code = ANY(p_categories)
      AND i.location && ST_MakeEnvelope(ST_X(r.location) - p_dx, ST_Y(r.location) - p_dy, ST_X(r.location) + p_dx, ST_Y(r.location) + p_dy, 4326)
      AND ST_DWithin(i.location::geography, r.location::geography, p_radius_m)
      AND i.last_reported_at >= r.reported_at - win AND i.first_reported_at <= r.reported_at + win
    ORDER BY i.location <-> r.location, i.id
    LIMIT 1;
    IF found_id IS NULL THEN
      INSERT INTO incidents (category_code, location, region_code, report_count, channels, first_reported_at, last_reported_at)
      VALUES (r.category_code, r.location, r.region_code, 1, ARRAY[r.channel], r.reported_at, r.reported_at)
      RETURNING incidents.id INTO found_id;
      opened := true;
      EXIT;
    END IF;
    -- Re-checked on the newest row version if another transaction changed it meanwhile:
    -- an incident resolved or merged in between is not joined; then decide again.
    UPDATE incidents i SET
      location = ST_SetSRID(ST_MakePoint((ST_X(i.location) * i.report_count + ST_X(r.location)) / (i.report_count + 1),
                                         (ST_Y(i.location) * i.report_count + ST_Y(r.location)) / (i.report_count + 1)), 4326),
      report_count = i.report_count + 1,
      channels = ARRAY(SELECT DISTINCT c FROM unnest(i.channels || r.channel) AS c ORDER BY c),
      first_reported_at = least(i.first_reported_at, r.reported_at),
      last_reported_at = greatest(i.last_reported_at, r.reported_at),
      region_code = coalesce(i.region_code, r.region_code),
      updated_at = now()
    WHERE i.id = found_id AND i.status NOT IN ('resolved', 'closed', 'rejected') AND i.merged_into IS NULL;
    IF FOUND THEN
      opened := false;
      EXIT;
    END IF;
    found_id := NULL;
  END LOOP;
  IF found_id IS NULL THEN
    RAISE EXCEPTION 'incident matching found no stable candidate for report %', p_report;
  END IF;
  UPDATE reports SET incident_id = found_id WHERE reports.id = p_report;
  RETURN QUERY
    SELECT i.id, i.category_code, i.status, ST_Y(i.location), ST_X(i.location), i.region_code, g.name, i.report_count,
           i.channels, i.first_reported_at, i.last_reported_at, i.merged_into, i.split_from, i.created_at, i.updated_at, opened
    FROM incidents i LEFT JOIN regions g ON g.code = i.region_code WHERE i.id = found_id;
END
$$;

-- Reports stored before this migration: one incident each (operators can merge them).
WITH src AS (
  SELECT id AS report_id, gen_random_uuid() AS incident_id, category_code, location, region_code, channel, reported_at
  FROM reports WHERE incident_id IS NULL
), ins AS (
  INSERT INTO incidents (id, category_code, location, region_code, report_count, channels, first_reported_at, last_reported_at)
  SELECT incident_id, category_code, location, region_code, 1, ARRAY[channel], reported_at, reported_at FROM src
)
UPDATE reports r SET incident_id = src.incident_id FROM src WHERE r.id = src.report_id;

-- The latest hotspot computation per standard window, written by whichever process ran it.
CREATE TABLE hotspot_sets (
  window_key   text PRIMARY KEY,
  from_ts      timestamptz NOT NULL,
  to_ts        timestamptz NOT NULL,
  computed_at  timestamptz NOT NULL DEFAULT now(),
  digest       text NOT NULL,
  body         jsonb NOT NULL
);
