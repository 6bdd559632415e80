-- Current definitions, re-applied by server/db/migrate.ts after the numbered migrations
-- (CREATE OR REPLACE: edit the function here, not in a new migration; see
-- docs/architecture-notes.md). Appending events to the log.

-- Writes a batch of events (server/events/event.repository.ts insertEvents: each checked against
-- the catalogue, with the scope its payload names) in the order given, and NOTIFYs the last seq
-- on p_channel. A region or agency column also takes those of the incidents and reports the
-- event names, as they stand in this transaction (an incident event names no agency: its
-- ticket's is stored). Answers the transaction's time and, as one JSON array in seq order,
-- [seq, region_codes, agency_codes] of each event.
-- PL/pgSQL, not a statement sent each time: its plan is kept for the session. Sent as a
-- statement, it was planned on every call, and planning took as long as running it (3 ms of 6
-- for 32 events). Without sequential scans: the plan kept may be made while reports and
-- incidents are nearly empty (a new deployment, a benchmark), when scanning them is cheapest,
-- and it kept doing so as they grew (22 ms a call after 4,000 reports, against 2-3 ms). Every
-- lookup here is a few ids by primary key: the index is right at any size.
CREATE OR REPLACE FUNCTION sigap_append_events(p_events jsonb, p_channel text, OUT at timestamptz, OUT written text)
LANGUAGE plpgsql SET enable_seqscan = off AS $$
DECLARE
  v_last bigint;
BEGIN
  -- Sequence numbers follow the order of the list: rows are numbered as the ordered SELECT yields them.
  WITH e AS (
    INSERT INTO events (type, data, audience, region_codes, agency_codes)
    SELECT x.type, x.data, x.audience,
      ARRAY(SELECT DISTINCT c FROM unnest(x.regions || k.regions || r.regions) c WHERE c IS NOT NULL ORDER BY c),
      ARRAY(SELECT DISTINCT c FROM unnest(x.agencies || k.agencies) c WHERE c IS NOT NULL ORDER BY c)
    FROM ROWS FROM (jsonb_to_recordset(p_events)
        AS (type text, data jsonb, audience text, regions text[], agencies text[], incidents uuid[], reports uuid[]))
      WITH ORDINALITY AS x(type, data, audience, regions, agencies, incidents, reports, n)
    LEFT JOIN LATERAL (
      SELECT array_agg(r.region_code) AS regions FROM reports r WHERE r.id = ANY(x.reports)
    ) r ON true
    LEFT JOIN LATERAL (
      -- One array, not `= ANY(…) OR IN (…)`: the OR read the whole incidents table for every event.
      SELECT array_agg(i.region_code) AS regions, array_agg(i.agency_code) AS agencies FROM incidents i
      WHERE i.id = ANY(x.incidents || ARRAY(SELECT r2.incident_id FROM reports r2 WHERE r2.id = ANY(x.reports) AND r2.incident_id IS NOT NULL))
    ) k ON true
    ORDER BY x.n
    RETURNING seq, created_at, region_codes, agency_codes)
  SELECT min(e.created_at), max(e.seq), json_agg(json_build_array(e.seq, e.region_codes, e.agency_codes) ORDER BY e.seq)::text
  INTO at, v_last, written
  FROM e;
  PERFORM pg_notify(p_channel, v_last::text);
END $$;
