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
-- Two ways, which store the same rows (tests/intake.set.test.ts): the whole batch set-based
-- (sigap_intake_set, below), when no item's outcome depends on another's; otherwise one item
-- at a time, each seeing what the ones before it wrote (sigap_intake_item). Set-based, a batch
-- of 8 cost about 0.6x the PostgreSQL time one at a time did (bench/README.md).
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

-- The same intake, set-based: every step a statement over the whole batch (one statement in
-- all), instead of a dozen statements a report. A batch is stored this way when no report's
-- outcome can depend on another's (sigap_intake_reports checks first and otherwise goes the
-- report-at-a-time way above): no external id or idempotency key already stored or repeated in
-- the batch, and no two reports that match incidents near enough to each other (twice the
-- search box, in overlapping category groups) that one could find the incident the other opens,
-- or join the one the other joins, or find one the other's joining moves. It answers no row when the batch is not such (nothing written),
-- and raises sigap_intake_set_lost ('SX001') when an incident it was to join changed meanwhile
-- (resolved or merged by another transaction): the caller undoes it and goes the other way.
CREATE OR REPLACE FUNCTION sigap_intake_set(p_items jsonb, p_default_tol_m float8) RETURNS SETOF sigap_intake_row
LANGUAGE plpgsql VOLATILE SET jit = off SET plan_cache_mode = force_generic_plan SET enable_seqscan = off AS $$
#variable_conflict use_column
DECLARE
  answer_rows sigap_intake_row[];
  joins int;
BEGIN
  WITH it AS MATERIALIZED (
    SELECT e.ord::int AS ord, e.v, v->>'channel' AS channel, v->>'category' AS category, v->>'claim' AS claim,
           (v->>'accuracy_m')::float8 AS acc, nullif(v->'match', 'null'::jsonb) AS m,
           ST_SetSRID(ST_MakePoint((v->>'lon')::float8, (v->>'lat')::float8), 4326) AS pt,
           coalesce((v->>'reported_at')::timestamptz, now()) AS at
    FROM jsonb_array_elements(p_items) WITH ORDINALITY AS e(v, ord)
  ), claims AS MATERIALIZED (
    SELECT c.claim, sigap_claim_candidates(c.claim) AS cands FROM (SELECT DISTINCT claim FROM it WHERE claim IS NOT NULL) c
  ), chk AS MATERIALIZED (
    SELECT it.*, x.status, x.claimed_code, x.detected_code, x.distance_m, x.region_code
    FROM it LEFT JOIN claims ON claims.claim = it.claim
    CROSS JOIN LATERAL (SELECT sigap_nearest_of(claims.cands, it.pt) AS code OFFSET 0) rc
    CROSS JOIN LATERAL sigap_check_resolved(it.pt, rc.code, coalesce(btrim(it.claim), '') <> '', it.acc, p_default_tol_m) x
  ), hit AS MATERIALIZED (
    SELECT chk.ord, n.id AS found FROM chk
    LEFT JOIN LATERAL sigap_nearest_open_incident(chk.pt, chk.at, string_to_array(chk.m->>'categories', ','), (chk.m->>'radius_m')::float8,
      (chk.m->>'window_h')::float8, (chk.m->>'dx')::float8, (chk.m->>'dy')::float8) n ON true
    WHERE chk.m IS NOT NULL
  ), ok AS (
    SELECT NOT EXISTS (SELECT 1 FROM it JOIN reports r ON r.channel = it.channel AND r.external_id = it.v->>'external_id')
       AND NOT EXISTS (SELECT 1 FROM it JOIN reports r ON r.idempotency_key = it.v->>'idempotency_key')
       AND NOT EXISTS (SELECT 1 FROM it a JOIN it b ON a.ord < b.ord
                       AND (a.v->>'idempotency_key' = b.v->>'idempotency_key' OR (a.channel = b.channel AND a.v->>'external_id' = b.v->>'external_id')))
       AND NOT EXISTS (SELECT 1 FROM it a JOIN it b ON a.ord < b.ord
                       WHERE a.m IS NOT NULL AND b.m IS NOT NULL
                         AND (string_to_array(a.m->>'categories', ',') && string_to_array(b.m->>'categories', ',')
                              OR a.category = ANY (string_to_array(b.m->>'categories', ','))
                              OR b.category = ANY (string_to_array(a.m->>'categories', ',')))
                         AND abs(ST_X(a.pt) - ST_X(b.pt)) <= 2 * greatest((a.m->>'dx')::float8, (b.m->>'dx')::float8)
                         AND abs(ST_Y(a.pt) - ST_Y(b.pt)) <= 2 * greatest((a.m->>'dy')::float8, (b.m->>'dy')::float8)) AS ok
  ), plan AS MATERIALIZED (
    SELECT chk.*, hit.found, gen_random_uuid() AS rid,
           CASE WHEN chk.m IS NOT NULL AND hit.found IS NULL THEN gen_random_uuid() END AS new_inc,
           CASE WHEN chk.status = 'mismatch' AND chk.claimed_code IS NOT NULL AND chk.detected_code IS NOT NULL THEN gen_random_uuid() END AS did
    FROM chk LEFT JOIN hit ON hit.ord = chk.ord
    WHERE (SELECT ok FROM ok)
  ), routes AS MATERIALIZED (
    SELECT d.category, d.region_code, r.* FROM (SELECT DISTINCT category, region_code FROM plan WHERE new_inc IS NOT NULL) d
    CROSS JOIN LATERAL sigap_ticket_routing(d.category, d.region_code, now()) r
  ), opened AS (
    INSERT INTO incidents (id, category_code, location, region_code, report_count, channels, first_reported_at, last_reported_at,
                           agency_code, priority, is_emergency, response_due_at, resolve_due_at, routed_at, status_changed_at)
    SELECT p.new_inc, p.category, p.pt, p.region_code, 1, ARRAY[p.channel], p.at, p.at,
           r.agency_code, r.priority, r.is_emergency, r.response_due_at, r.resolve_due_at, now(), now()
    FROM plan p JOIN routes r ON r.category = p.category AND r.region_code IS NOT DISTINCT FROM p.region_code
    WHERE p.new_inc IS NOT NULL ORDER BY p.ord
    RETURNING *
  ), history AS (
    INSERT INTO ticket_events (incident_id, kind, to_status, agency_code, actor_role, note, data, at)
    SELECT h.* FROM plan p JOIN routes r ON r.category = p.category AND r.region_code IS NOT DISTINCT FROM p.region_code
    CROSS JOIN LATERAL sigap_ticket_opened_rows(p.new_inc, 'new', now(), r.agency_code, now()) h
    WHERE p.new_inc IS NOT NULL ORDER BY p.ord, h.kind = 'routed'
  ), joined AS MATERIALIZED (
    SELECT j.* FROM (SELECT array_agg(found ORDER BY ord) AS ids, array_agg(pt ORDER BY ord) AS pts, array_agg(channel ORDER BY ord) AS chs,
                            array_agg(at ORDER BY ord) AS ats, array_agg(region_code ORDER BY ord) AS regions
                     FROM plan WHERE found IS NOT NULL) x
    CROSS JOIN LATERAL sigap_join_incidents(x.ids, x.pts, x.chs, x.ats, x.regions) j
  ), stored AS (
    INSERT INTO reports (id, channel, external_id, idempotency_key, category_code, description, location, accuracy_m, claimed_region,
                         region_code, reporter_name, reporter_phone, reporter_private, reported_at, incident_id,
                         location_status, claimed_region_code, detected_region_code, claim_distance_m, location_checked_at, media_url)
    SELECT p.rid, p.channel, p.v->>'external_id', p.v->>'idempotency_key', p.category, p.v->>'description', p.pt, p.acc, p.claim,
           p.region_code, p.v->>'reporter_name', p.v->>'reporter_phone', coalesce((p.v->>'reporter_private')::boolean, false), p.at,
           coalesce(p.new_inc, p.found), p.status, p.claimed_code, p.detected_code, p.distance_m, now(), p.v->>'media_url'
    FROM plan p ORDER BY p.ord
    RETURNING id, received_at
  ), tokens AS (
    INSERT INTO report_photo_tokens (report_id, token_sha256)
    SELECT p.rid, p.v->>'photo_token_sha256' FROM plan p WHERE p.v->>'photo_token_sha256' IS NOT NULL
  ), consents AS (
    INSERT INTO report_contact_consents (report_id, via)
    SELECT p.rid, coalesce(p.v->>'notify_via', 'sms') FROM plan p WHERE (p.v->>'notify')::boolean
  ), disputes AS (
    INSERT INTO location_disputes (id, report_id, claimed_region_code, detected_region_code, location, distance_m, accuracy_m)
    SELECT p.did, p.rid, p.claimed_code, p.detected_code, p.pt, p.distance_m, p.acc FROM plan p WHERE p.did IS NOT NULL ORDER BY p.ord
    RETURNING id, opened_at
  ), dispute_history AS (
    INSERT INTO dispute_actions (dispute_id, action, actor_role, data, at)
    SELECT p.did, 'opened', 'system', '{"cause":"intake"}'::jsonb, now() FROM plan p WHERE p.did IS NOT NULL ORDER BY p.ord
  ), names AS (
    SELECT z.code, sigap_region_name(z.code) AS name
    FROM (SELECT DISTINCT c.code FROM plan p, unnest(ARRAY[p.claimed_code, p.detected_code, p.region_code]) AS c(code) WHERE c.code IS NOT NULL) z
  )
  SELECT array_agg(ROW(
           p.ord, 'stored', p.rid, p.at, s.received_at, p.status, p.claimed_code, nc.name, p.detected_code, nd.name, p.distance_m,
           p.region_code, nr.name,
           CASE WHEN p.m IS NOT NULL THEN p.new_inc IS NOT NULL END, i.id, i.category_code, i.status, ST_Y(i.location), ST_X(i.location),
           i.region_code, g.name, i.report_count, i.channels, i.first_reported_at, i.last_reported_at, i.merged_into, i.split_from,
           i.created_at, i.updated_at, i.agency_code, i.routed_at, i.is_emergency, a.short_name, i.priority, i.response_due_at,
           i.resolve_due_at, i.status_changed_at, d.id, d.opened_at)::sigap_intake_row ORDER BY p.ord),
         count(*) FILTER (WHERE p.found IS NOT NULL AND i.id IS NULL)
  INTO answer_rows, joins
  FROM plan p JOIN stored s ON s.id = p.rid
  LEFT JOIN (SELECT * FROM opened UNION ALL SELECT * FROM joined) i ON i.id = coalesce(p.new_inc, p.found)
  LEFT JOIN regions g ON g.code = i.region_code
  LEFT JOIN agencies a ON a.code = i.agency_code
  LEFT JOIN disputes d ON d.id = p.did
  LEFT JOIN names nc ON nc.code = p.claimed_code
  LEFT JOIN names nd ON nd.code = p.detected_code
  LEFT JOIN names nr ON nr.code = p.region_code;
  IF joins > 0 THEN
    RAISE EXCEPTION 'an incident to join changed meanwhile' USING ERRCODE = 'SX001';
  END IF;
  IF answer_rows IS NOT NULL THEN
    RETURN QUERY SELECT * FROM unnest(answer_rows);
  END IF;
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
  fast sigap_intake_row[];
BEGIN
  PERFORM pg_advisory_xact_lock(k)
  FROM (SELECT DISTINCT k::bigint AS k FROM jsonb_array_elements(p_items) AS e, jsonb_array_elements_text(e->'match'->'lock_keys') AS k) s
  ORDER BY k;
  -- Set-based when no report's outcome depends on another's (sigap_intake_set); the setting
  -- sigap.intake_one_by_one = on skips it (tests compare the two ways).
  IF current_setting('sigap.intake_one_by_one', true) IS DISTINCT FROM 'on' THEN
    BEGIN
      SELECT array_agg(s ORDER BY s.ord) INTO fast FROM sigap_intake_set(p_items, p_default_tol_m) s;
    EXCEPTION WHEN unique_violation OR SQLSTATE 'SX001' THEN
      fast := NULL; -- a report stored or an incident changed by another transaction meanwhile: one by one, below
    END;
    IF fast IS NOT NULL THEN
      RETURN QUERY SELECT * FROM unnest(fast);
      RETURN;
    END IF;
  END IF;
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
