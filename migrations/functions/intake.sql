-- Current definitions, re-applied by server/db/migrate.ts after the numbered migrations
-- (CREATE OR REPLACE: edit the function here, not in a new migration; see
-- docs/architecture-notes.md). Intake of reports in one round trip: location check, incident
-- matching and the report row in one PL/pgSQL call (plans cached per connection).
-- Returns rows of the composite type sigap_intake_row (migrations 0006, 0008).

-- The whole intake of one report (an item of sigap_intake_reports, below): location check
-- (sigap_location_check), incident matching when the item has `match` (none: the caller
-- attaches it, or matching is off), then the report row, written once (with its media_url),
-- and beside it the hash of the sender's photo token (`photo_token_sha256`) and the caller's
-- consent to status messages (`notify`), so that no second statement follows. It answers with the
-- report and, when matching opened an incident, the whole new ticket as routed (what its
-- ticket.routed event shows). `match.categories` is a comma-separated list (not a JSON array):
-- the call stays an expression, without a subquery. A second submission with a taken
-- (channel, external_id) or idempotency key fails with unique_violation.

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
                       location_status, claimed_region_code, detected_region_code, claim_distance_m, location_checked_at, media_url)
  VALUES (v_channel, p_item->>'external_id', p_item->>'idempotency_key', v_category, p_item->>'description', pt, v_accuracy_m, v_claim,
          chk.region_code, p_item->>'reporter_name', p_item->>'reporter_phone', coalesce((p_item->>'reporter_private')::boolean, false), at, inc,
          chk.status, chk.claimed_code, chk.detected_code, chk.distance_m, now(), p_item->>'media_url')
  RETURNING reports.id, reports.received_at INTO rid, rcv;
  IF p_item->>'photo_token_sha256' IS NOT NULL THEN
    INSERT INTO report_photo_tokens (report_id, token_sha256) VALUES (rid, p_item->>'photo_token_sha256');
  END IF;
  IF (p_item->>'notify')::boolean THEN
    INSERT INTO report_contact_consents (report_id, via) VALUES (rid, COALESCE(p_item->>'notify_via', 'sms'));
  END IF;
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

-- The intake of a batch of reports in one call and one transaction (server/reports/
-- intake.queue.ts gathers the reports that arrive while the previous batch is being stored).
-- p_items: a JSON array of {channel, external_id?, idempotency_key?, category, description, lon,
-- lat, accuracy_m?, claim?, reporter_name?, reporter_phone?, reporter_private?, reported_at?,
-- media_url?, photo_token_sha256?, notify?, notify_via?, match?: {categories, radius_m, window_h, dx, dy, lock_keys}}. One row per item,
-- in order (sigap_intake_row): 'stored', or 'duplicate' when its external id or idempotency
-- key is taken (nothing of it stored). The match locks of every item are taken first, together and in one order, so two
-- batches never hold some each and wait for the other's; only then are incident rows locked.
CREATE OR REPLACE FUNCTION sigap_intake_reports(p_items jsonb, p_default_tol_m float8) RETURNS SETOF sigap_intake_row
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
