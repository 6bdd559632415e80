-- Current definitions, re-applied by server/db/migrate.ts after the numbered migrations
-- (CREATE OR REPLACE: edit the function here, not in a new migration; see
-- docs/architecture-notes.md). Routing a new ticket: its agency, priority and SLA due times,
-- and the first rows of its history.

-- The agency that handles a category in a region: the region-specific rule with the longest
-- matching region prefix, else the category's default agency if it covers the region; NULL
-- when nobody does (the operator routes it by hand). Routing and re-routing use it.
CREATE OR REPLACE FUNCTION sigap_agency_for(p_category text, p_region text) RETURNS text
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

-- SLA due time. On the clock: start + minutes. On working days (SP4N-LAPOR! style): only time on
-- working days counts, days being WIB calendar days (Asia/Jakarta, UTC+7 without daylight
-- saving) without Saturdays, Sundays and the holidays table. "3 working days" from Friday
-- 16:00 WIB is therefore Wednesday 16:00 WIB; received on a Saturday, the clock starts Monday
-- 00:00 WIB. The pause credit (the time the ticket waited for its reporter, stored on the
-- ticket: p_paused_s on the clock, p_paused_working_s in working time) lengthens the clock: the
-- one place a pause is added to a due time.
CREATE OR REPLACE FUNCTION sigap_sla_due(p_start timestamptz, p_minutes int, p_working boolean, p_paused_s int, p_paused_working_s int) RETURNS timestamptz
LANGUAGE plpgsql STABLE AS $$
DECLARE
  -- Counted in WIB wall-clock time, exact because Asia/Jakarta keeps no daylight saving; the
  -- holidays read once (a query per day cost 9 µs, 90 µs for a ten-working-day clock).
  t timestamp := p_start AT TIME ZONE 'Asia/Jakarta';
  remaining interval := p_minutes * interval '1 minute'
    + CASE WHEN p_working THEN coalesce(p_paused_working_s, 0) ELSE coalesce(p_paused_s, 0) END * interval '1 second';
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

-- Without a pause (a new ticket).
CREATE OR REPLACE FUNCTION sigap_sla_due(p_start timestamptz, p_minutes int, p_working boolean) RETURNS timestamptz
LANGUAGE sql STABLE RETURN sigap_sla_due(p_start, p_minutes, p_working, 0, 0);

-- The working time (seconds) between two instants, by the same days as sigap_sla_due: what a
-- pause from p_from to p_to takes off a working-day clock (a weekend, nothing).
CREATE OR REPLACE FUNCTION sigap_working_seconds(p_from timestamptz, p_to timestamptz) RETURNS int
LANGUAGE plpgsql STABLE AS $$
DECLARE
  t timestamp := p_from AT TIME ZONE 'Asia/Jakarta';
  stop timestamp := p_to AT TIME ZONE 'Asia/Jakarta';
  off date[];
  d date;
  next_midnight timestamp;
  total interval := interval '0';
BEGIN
  IF p_from IS NULL OR p_to IS NULL OR p_to <= p_from THEN
    RETURN 0;
  END IF;
  off := ARRAY(SELECT h.day FROM holidays h WHERE h.day >= t::date AND h.day <= stop::date);
  WHILE t < stop LOOP
    d := t::date;
    next_midnight := (d + 1)::timestamp;
    IF extract(isodow FROM d) < 6 AND NOT d = ANY (off) THEN
      total := total + (least(next_midnight, stop) - t);
    END IF;
    t := next_midnight;
  END LOOP;
  RETURN extract(epoch FROM total)::int;
END $$;

-- A ticket's first two history rows, in order: "opened" at its creation, then "routed" (to
-- nobody, with a note saying so, when no agency covers the category in the region). A SQL
-- function of one SELECT: inlined where it is called from a query (set-based intake).
CREATE OR REPLACE FUNCTION sigap_ticket_opened_rows(p_id uuid, p_status text, p_created_at timestamptz, p_agency text, p_routed_at timestamptz)
RETURNS TABLE (incident_id uuid, kind text, to_status text, agency_code text, actor_role text, note text, data jsonb, at timestamptz)
LANGUAGE sql IMMUTABLE AS $$
  VALUES (p_id, 'opened', p_status, NULL::text, 'system', NULL::text, '{}'::jsonb, p_created_at),
         (p_id, 'routed', NULL, p_agency, 'system',
          CASE WHEN p_agency IS NULL THEN 'no agency covers this category in this region: route by hand' END,
          '{"rule":"category_region"}'::jsonb, p_routed_at)
$$;

-- Writes them for one ticket. PL/pgSQL, not SQL: its plan is kept for the session (a SQL
-- function that cannot be inlined is planned again on every call, 0.1 ms here).
CREATE OR REPLACE FUNCTION sigap_ticket_opened(p_id uuid, p_status text, p_created_at timestamptz, p_agency text, p_routed_at timestamptz)
RETURNS void LANGUAGE plpgsql VOLATILE AS $$
BEGIN
  INSERT INTO ticket_events (incident_id, kind, to_status, agency_code, actor_role, note, data, at)
  SELECT * FROM sigap_ticket_opened_rows(p_id, p_status, p_created_at, p_agency, p_routed_at);
END $$;

-- What routing gives a ticket of a category in a region, opened at p_created: its agency
-- (sigap_agency_for, NULL when nobody covers the region), its category's priority and
-- emergency flag, and its SLA due times, the resolution clock lengthened by the ticket's pause
-- credit (a category change keeps it; a pause always follows the first response, so the
-- response clock never has any). The one rule for intake's insert, later routing and a
-- category change.
CREATE OR REPLACE FUNCTION sigap_ticket_routing(p_category text, p_region text, p_created timestamptz, p_paused_s int, p_paused_working_s int,
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
  resolve_due_at := sigap_sla_due(p_created, c.sla_resolve_minutes, c.sla_working_days, p_paused_s, p_paused_working_s);
END $$;

-- A new ticket (no pause yet).
CREATE OR REPLACE FUNCTION sigap_ticket_routing(p_category text, p_region text, p_created timestamptz,
  OUT agency_code text, OUT priority smallint, OUT is_emergency boolean, OUT response_due_at timestamptz, OUT resolve_due_at timestamptz)
LANGUAGE plpgsql STABLE AS $$
BEGIN
  SELECT r.* INTO agency_code, priority, is_emergency, response_due_at, resolve_due_at
  FROM sigap_ticket_routing(p_category, p_region, p_created, 0, 0) r;
END $$;

-- Routes incidents made some other way (a split, an attached report's incident not routed
-- yet) that the caller holds: what intake's insert (sigap_match_point) does, as an update. Returns the
-- rows as routed.
CREATE OR REPLACE FUNCTION sigap_route_tickets(p_ids uuid[], p_routed_at timestamptz) RETURNS SETOF incidents
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
