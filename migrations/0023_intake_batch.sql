-- Intake does a batch's repeated work once (issue 20): sigap_intake_reports resolves each
-- distinct claim, names each region and routes each (category, region) once per batch, and
-- opens a mismatched claim's dispute in the same statement (one statement fewer a batch).
-- The per-report function is folded into the batch's loop (its caches are the loop's
-- variables), and sigap_match_point takes and gives back the routing it used.
DROP FUNCTION sigap_intake_report(jsonb, float8, int);
DROP FUNCTION sigap_match_point(text, text, geometry, text, timestamptz, text[], float8, float8, float8, float8);
-- The dispute a mismatched claim opened with the report (its id and opening time).
ALTER TYPE sigap_intake_row ADD ATTRIBUTE dispute_id uuid, ADD ATTRIBUTE dispute_opened_at timestamptz;
