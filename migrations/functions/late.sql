-- One definition of "late", used by ticket lists and views, statistics, the wall, the review,
-- its PDF, /metrics and the SLA checker (server/tickets/late.ts mirrors it for views built
-- without a query): a clock is late when its due time passed before the clock stopped, or has
-- passed by `at` while it still runs. The response clock stops at the first response; the
-- resolution clock when the ticket leaves the open states (resolved, closed, rejected; a
-- reopened ticket's clock runs again). While a ticket waits for its reporter (p_paused: since
-- when) its clocks stand still: judged at the pause. When the pause ends, the due times move
-- by the pause (sigap_sla_due with the ticket's stored pause credit), so no reader adds it.
-- A clock the SLA checker flagged stays late (it saw the due time pass; a later re-routing
-- does not undo that), but a missing flag proves nothing: the checker may not have run
-- (imports, a stopped server, a response given late between two checks).
CREATE OR REPLACE FUNCTION sigap_late(p_due timestamptz, p_stopped timestamptz, p_flagged timestamptz, p_paused timestamptz, p_at timestamptz) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT p_flagged IS NOT NULL OR (p_due IS NOT NULL AND coalesce(p_stopped, p_paused, p_at) > p_due)
$$;
