-- Current definitions, re-applied by server/db/migrate.ts after the numbered migrations
-- (CREATE OR REPLACE: edit the function here, not in a new migration; see
-- docs/architecture-notes.md). Intake of reports in one round trip: location check, incident
-- matching, the report row and a mismatched claim's dispute in one PL/pgSQL call (plans cached
-- per connection). Returns rows of the composite type sigap_intake_row (migrations 0006, 0008,
-- 0023).

-- The intake of a batch of reports in one call and one transaction (server/reports/
-- intake.queue.ts gathers the reports that arrive while the previous batch is being stored).
-- p_items: a JSON array of {channel, external_id?, idempotency_key?, category, description, lon,
-- lat, accuracy_m?, claim?, reporter_name?, reporter_phone?, reporter_private?, reported_at?,
-- media_url?, photo_token_sha256?, notify?, notify_via?, match?: {categories, radius_m, window_h, dx, dy, lock_keys}}. One row per item,
-- in order (sigap_intake_row): 'stored', or 'duplicate' when its external id or idempotency
-- key is taken (nothing of it stored). The match locks of every item are taken first, together and in one order, so two
-- batches never hold some each and wait for the other's; only then are incident rows locked.
--
-- Each item (sigap_intake_item): its location check (sigap_location_check), incident matching when it has `match`
-- (none: the caller attaches it, or matching is off), then its row, written once (with its
-- media_url), and beside it the hash of the sender's photo token (`photo_token_sha256`), the
-- caller's consent to status messages (`notify`) and, for a claim clearly in another region, its
-- dispute (opened by the system, cause intake), so that no second statement follows. It answers
-- with the report and, when matching opened an incident, the whole new ticket as routed (what
-- its ticket.routed event shows). `match.categories` is a comma-separated list (not a JSON
-- array): the call stays an expression, without a subquery.
--
-- What depends only on the batch's tables, not on the report, is worked out once a batch and
-- kept in the loop's variables (a claim named by every report cost more than the rest of its
-- check): a claim's candidates (sigap_claim_candidates), a region's name (sigap_region_name),
-- and the routing of a (category, region) at now() (sigap_ticket_routing, given to and back
-- from sigap_match_point). Nothing the batch writes changes them.
CREATE OR REPLACE FUNCTION sigap_intake_item(p_item jsonb, p_default_tol_m float8, p_candidates text[], INOUT p_routes jsonb,
  OUT r sigap_intake_row)
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
  route_key text;
  chk record;
  matched record;
  inc uuid;
  opened boolean;
  rid uuid;
  rcv timestamptz;
  did uuid;
  dopened timestamptz;
BEGIN
  SELECT * INTO STRICT chk FROM sigap_location_check(pt, v_claim, p_candidates, v_accuracy_m, p_default_tol_m);
  IF m IS NOT NULL THEN
    route_key := to_jsonb(ARRAY[v_category, chk.region_code])::text;
    matched := sigap_match_point(v_category, v_channel, pt, chk.region_code, at, string_to_array(m->>'categories', ','),
      (m->>'radius_m')::float8, (m->>'window_h')::float8, (m->>'dx')::float8, (m->>'dy')::float8, p_routes->route_key);
    inc := matched.incident_id;
    opened := matched.is_new;
    IF matched.route IS NOT NULL AND NOT p_routes ? route_key THEN
      p_routes := p_routes || jsonb_build_object(route_key, matched.route);
    END IF;
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
  IF chk.status = 'mismatch' AND chk.claimed_code IS NOT NULL AND chk.detected_code IS NOT NULL THEN
    INSERT INTO location_disputes (report_id, claimed_region_code, detected_region_code, location, distance_m, accuracy_m)
    VALUES (rid, chk.claimed_code, chk.detected_code, pt, chk.distance_m, v_accuracy_m)
    ON CONFLICT DO NOTHING
    RETURNING location_disputes.id, location_disputes.opened_at INTO did, dopened;
    IF did IS NOT NULL THEN
      INSERT INTO dispute_actions (dispute_id, action, actor_role, data, at)
      VALUES (did, 'opened', 'system', '{"cause":"intake"}'::jsonb, now());
    END IF;
  END IF;
  -- The names of the regions are filled in by the caller (once a batch each).
  SELECT NULL::int, 'stored'::text, rid, at, rcv, chk.status, chk.claimed_code, NULL::text, chk.detected_code,
         NULL::text, chk.distance_m, chk.region_code, NULL::text,
         opened, i.id, i.category_code, i.status, ST_Y(i.location), ST_X(i.location), i.region_code, g.name, i.report_count,
         i.channels, i.first_reported_at, i.last_reported_at, i.merged_into, i.split_from, i.created_at, i.updated_at,
         i.agency_code, i.routed_at, i.is_emergency, a.short_name, i.priority, i.response_due_at, i.resolve_due_at,
         i.status_changed_at, did, dopened
  INTO r
  FROM (SELECT 1) one LEFT JOIN incidents i ON i.id = inc LEFT JOIN regions g ON g.code = i.region_code
  LEFT JOIN agencies a ON a.code = i.agency_code;
END
$$;

CREATE OR REPLACE FUNCTION sigap_intake_reports(p_items jsonb, p_default_tol_m float8) RETURNS SETOF sigap_intake_row
LANGUAGE plpgsql VOLATILE SET jit = off AS $$
#variable_conflict use_column
DECLARE
  it jsonb;
  n int := 0;
  dup sigap_intake_row;
  answer sigap_intake_row;
  res record;
  claim text;
  cands text[];
  code text;
  claims jsonb := '{}';
  names jsonb := '{}';
  routes jsonb := '{}';
BEGIN
  PERFORM pg_advisory_xact_lock(k)
  FROM (SELECT DISTINCT k::bigint AS k FROM jsonb_array_elements(p_items) AS e, jsonb_array_elements_text(e->'match'->'lock_keys') AS k) s
  ORDER BY k;
  FOR it IN SELECT e FROM jsonb_array_elements(p_items) AS e LOOP
    n := n + 1;
    claim := it->>'claim';
    cands := NULL;
    IF claim IS NOT NULL THEN
      IF NOT claims ? claim THEN
        claims := claims || jsonb_build_object(claim, to_jsonb(sigap_claim_candidates(claim)));
      END IF;
      IF jsonb_typeof(claims->claim) = 'array' THEN
        cands := ARRAY(SELECT jsonb_array_elements_text(claims->claim));
      END IF;
    END IF;
    IF it->>'external_id' IS NULL AND it->>'idempotency_key' IS NULL THEN
      res := sigap_intake_item(it, p_default_tol_m, cands, routes);
    ELSE
      -- A subtransaction only for reports that can collide with an earlier submission (at most
      -- one per item; the batch is kept within the 64 subtransactions a session caches).
      BEGIN
        res := sigap_intake_item(it, p_default_tol_m, cands, routes);
      EXCEPTION WHEN unique_violation THEN
        dup.ord := n;
        dup.outcome := 'duplicate';
        RETURN NEXT dup;
        CONTINUE;
      END;
    END IF;
    routes := res.p_routes;
    answer := res.r;
    answer.ord := n;
    FOREACH code IN ARRAY ARRAY[answer.claimed_code, answer.detected_code, answer.region_code] LOOP
      IF code IS NOT NULL AND NOT names ? code THEN
        names := names || jsonb_build_object(code, sigap_region_name(code));
      END IF;
    END LOOP;
    answer.claimed_name := names->>answer.claimed_code;
    answer.detected_name := names->>answer.detected_code;
    answer.region_name := names->>answer.region_code;
    RETURN NEXT answer;
  END LOOP;
END
$$;
