-- Honest clocks (docs/citizens-and-clocks.md).
-- Reporter pauses stored once: the time a ticket spent waiting for its reporter, on the clock
-- and in working time (a pause over a weekend is two days on the clock, no working time), so
-- that due times worked out again later (a category change) keep the pause's credit.
-- paused_at (0014) stays the start of the pause now running.
ALTER TABLE incidents
  ADD COLUMN paused_seconds integer NOT NULL DEFAULT 0,
  ADD COLUMN paused_working_seconds integer NOT NULL DEFAULT 0;
-- SP4N-LAPOR!'s chained clocks, for tickets opened by a LAPOR! report: verification within 3
-- working days of receipt, then the agency's follow-up plan within 5 working days of the
-- verification (set at the first response); planned_at: when the agency took it up.
ALTER TABLE incidents
  ADD COLUMN lapor_verify_due_at timestamptz,
  ADD COLUMN lapor_plan_due_at timestamptz,
  ADD COLUMN lapor_planned_at timestamptz;
-- JAKI's red (six days without a response): the last staff action that is not a change of
-- state (re-routing, a category change); a change of state is status_changed_at.
ALTER TABLE incidents ADD COLUMN acted_at timestamptz;
-- sigap_late now takes the pause (migrations/functions/late.sql); the old form goes.
DROP FUNCTION IF EXISTS sigap_late(timestamptz, timestamptz, timestamptz, timestamptz);
