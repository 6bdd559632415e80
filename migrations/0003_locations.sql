-- Location check of every report (claimed region vs the region its point is in) and the
-- location disputes a mismatch opens. The check itself lives here, as SQL functions, so
-- that intake (one report) and the bulk re-check (a batch at a time) run the same rules.

-- A region name as a comparable key: lower case, accents and old spellings folded (Tjikini =
-- Cikini, Djati = Jati, Koebang = Kubang), leading administrative words dropped ("Kel.",
-- "Kelurahan", "Desa", "Ds.", "Kec.", "Kab.", "Kota Administrasi"...; repeatedly, the same on
-- both sides, so "Kota Bambu Utara" still equals "Kel. Kota Bambu Utara"), then everything
-- that is not a letter or digit removed ("Rawa Sari" = "Rawasari" = "RAWASARI").
CREATE FUNCTION sigap_region_key(t text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT regexp_replace(
    replace(replace(replace(
      regexp_replace(
        translate(lower(t), 'áàâäãåāéèêëēíìîïīóòôöõōúùûüūýÿñç', 'aaaaaaaeeeeeiiiiioooooouuuuuyync'),
        '^([^a-z0-9]*(kelurahan|kel|desa|ds|kecamatan|kec|kabupaten|kab|kotamadya|kota administrasi|kota adm|kota|provinsi|prov|dki)([^a-z0-9]+|$))+',
        ''),
      'tj', 'c'), 'dj', 'j'), 'oe', 'u'),
    '[^a-z0-9]', '', 'g')
$$;
CREATE INDEX regions_name_key_idx ON regions (sigap_region_key(name));

-- Keys of the names a region sits under, tagged by level ('kec:cempakaputih', 'kab:...',
-- 'prov:...'), from the parent rows where they are imported and from the file's own
-- properties where not.
CREATE FUNCTION sigap_level_tag(p_level text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE p_level WHEN 'kecamatan' THEN 'kec:' WHEN 'kabupaten' THEN 'kab:' WHEN 'provinsi' THEN 'prov:' END
$$;
CREATE FUNCTION sigap_region_ancestor_keys(p_code text) RETURNS text[]
LANGUAGE plpgsql STABLE PARALLEL SAFE AS $$
BEGIN
  RETURN (
    SELECT array_remove(ARRAY[
      sigap_level_tag(p.level) || sigap_region_key(p.name), sigap_level_tag(gp.level) || sigap_region_key(gp.name),
      'kec:' || sigap_region_key(r.props->>'nama_kec'), 'kab:' || sigap_region_key(r.props->>'nama_kab'),
      'prov:' || sigap_region_key(r.props->>'nama_prov')
    ], NULL)
    FROM regions r LEFT JOIN regions p ON p.code = r.parent_code LEFT JOIN regions gp ON gp.code = p.parent_code
    WHERE r.code = p_code);
END $$;

-- The regions a claim may mean, before looking at where the report is: NULL when it names
-- none we know, one code mostly, several when a name repeats and nothing in the claim tells
-- them apart (then the one nearest the point is meant: sigap_nearest_of). A claim is a code
-- (31.71.05.1003, or its ten digits), or a name, optionally followed by the names it sits
-- under ("Rawasari, Cempaka Putih", "Desa Citalang, Kec. Tegalwaru"); a longer free text
-- (an address) is tried part by part. Independent of the point, so the bulk re-check works
-- it out once per distinct claim.
CREATE FUNCTION sigap_claim_candidates(p_claim text) RETURNS text[]
LANGUAGE plpgsql STABLE AS $$
DECLARE
  t text := btrim(p_claim);
  parts text[];
  words text[];
  n int;
  found text[];
BEGIN
  IF t IS NULL OR t = '' THEN RETURN NULL; END IF;
  IF t ~ '^[0-9]{10}$' THEN
    t := substr(t, 1, 2) || '.' || substr(t, 3, 2) || '.' || substr(t, 5, 2) || '.' || substr(t, 7, 4);
  END IF;
  IF t ~ '^[0-9]{2}(\.[0-9]{2}){0,2}(\.[0-9]{4})?$' THEN
    -- A code we hold, or a kecamatan code whose kelurahan we hold.
    IF EXISTS (SELECT 1 FROM regions WHERE code = t) OR EXISTS (SELECT 1 FROM regions WHERE parent_code = t) THEN RETURN ARRAY[t]; END IF;
    RETURN NULL;
  END IF;
  parts := array_remove(regexp_split_to_array(t, '\s*[,;/|()]+\s*'), '');
  n := coalesce(array_length(parts, 1), 0);
  FOR i IN 1..n LOOP
    found := sigap_name_candidates(parts[i], parts[i + 1:n]);
    IF found IS NOT NULL THEN RETURN found; END IF;
  END LOOP;
  -- No separators: "Rawasari Cempaka Putih". The longest leading run of words that names a
  -- region wins, the rest qualifies it.
  IF n >= 1 THEN
    words := regexp_split_to_array(btrim(parts[1]), '\s+');
    FOR k IN REVERSE coalesce(array_length(words, 1), 0) - 1..1 LOOP
      found := sigap_name_candidates(array_to_string(words[1:k], ' '), ARRAY[array_to_string(words[k + 1:], ' ')]);
      IF found IS NOT NULL THEN RETURN found; END IF;
    END LOOP;
  END IF;
  RETURN NULL;
END $$;

-- The best regions for one name and the names it may sit under: those named so whose
-- kecamatan / kabupaten / province the qualifiers name best, then of the level its prefix asks
-- for ("Kec." a kecamatan, otherwise the smallest). Besides regions by their own name, a
-- kecamatan known only from its kelurahan's properties (a kelurahan file imported without the
-- kecamatan file) counts, under its code (its kelurahan's parent code).
CREATE FUNCTION sigap_name_candidates(p_name text, p_quals text[]) RETURNS text[]
LANGUAGE plpgsql STABLE AS $$
DECLARE
  k text := sigap_region_key(p_name);
  want_kec boolean := p_name ~* '^\W*(kec|kecamatan)\M';
BEGIN
  IF k IS NULL OR k = '' THEN RETURN NULL; END IF;
  RETURN (
    WITH cand AS (
      SELECT r.code, r.level, sigap_region_ancestor_keys(r.code) AS anc
      FROM regions r WHERE sigap_region_key(r.name) = k
      UNION ALL
      SELECT DISTINCT ON (r.parent_code) r.parent_code, 'kecamatan',
             array_remove(ARRAY['kab:' || sigap_region_key(r.props->>'nama_kab'), 'prov:' || sigap_region_key(r.props->>'nama_prov')], NULL)
      FROM regions r
      WHERE sigap_region_key(r.props->>'nama_kec') = k AND r.parent_code IS NOT NULL
        AND NOT EXISTS (SELECT 1 FROM regions x WHERE x.code = r.parent_code)
    ), ranked AS (
      SELECT c.code, rank() OVER (ORDER BY
        -- How well the qualifiers fit: a kecamatan named counts most, then the kabupaten, the province.
        (SELECT sum(CASE WHEN 'kec:' || sigap_region_key(q) = ANY(c.anc) THEN 4 WHEN 'kab:' || sigap_region_key(q) = ANY(c.anc) THEN 2
                         WHEN 'prov:' || sigap_region_key(q) = ANY(c.anc) THEN 1 ELSE 0 END) FROM unnest(p_quals) q) DESC NULLS LAST,
        CASE WHEN want_kec THEN (c.level <> 'kecamatan')::int ELSE 0 END,
        CASE c.level WHEN 'kelurahan' THEN 0 WHEN 'kecamatan' THEN 1 WHEN 'kabupaten' THEN 2 ELSE 3 END) AS rk
      FROM cand c
    )
    SELECT array_agg(code ORDER BY code) FROM ranked WHERE rk = 1);
END $$;
CREATE INDEX regions_kec_key_idx ON regions (sigap_region_key(props->>'nama_kec'));

-- Of several candidate regions, the one nearest the point (a reporter names the place they
-- are at, or next to); ties by code.
CREATE FUNCTION sigap_nearest_of(p_codes text[], p_pt geometry) RETURNS text
LANGUAGE plpgsql STABLE AS $$
BEGIN
  IF p_codes IS NULL OR cardinality(p_codes) = 0 THEN RETURN NULL; END IF;
  IF cardinality(p_codes) = 1 THEN RETURN p_codes[1]; END IF;
  RETURN (
    SELECT c FROM unnest(p_codes) AS c
    ORDER BY (SELECT min(d) FROM (
                SELECT p.geom <-> p_pt AS d FROM region_parts p WHERE p.region_code = c
                UNION ALL
                SELECT p.geom <-> p_pt FROM regions ch JOIN region_parts p ON p.region_code = ch.code WHERE ch.parent_code = c) z), c
    LIMIT 1);
END $$;

-- The region a claim names for a report at this point, or NULL.
CREATE FUNCTION sigap_resolve_claim(p_claim text, p_pt geometry) RETURNS text
LANGUAGE sql STABLE AS $$
  SELECT sigap_nearest_of(sigap_claim_candidates(p_claim), p_pt)
$$;

-- A region's name and outline by code, including a kecamatan known only from its kelurahan.
CREATE FUNCTION sigap_region_name(p_code text) RETURNS text
LANGUAGE plpgsql STABLE AS $$
BEGIN
  RETURN coalesce((SELECT name FROM regions WHERE code = p_code),
                  (SELECT props->>'nama_kec' FROM regions WHERE parent_code = p_code AND props ? 'nama_kec' ORDER BY code LIMIT 1));
END $$;
CREATE FUNCTION sigap_region_geom(p_code text) RETURNS geometry
LANGUAGE plpgsql STABLE AS $$
BEGIN
  RETURN coalesce((SELECT geom FROM regions WHERE code = p_code),
                  (SELECT ST_Multi(ST_Union(geom)) FROM regions WHERE parent_code = p_code));
END $$;

-- The location check of a point against the region its claim was resolved to (p_claim: that
-- code, NULL when the claim named none; p_claimed: whether there was a claim at all).
-- Statuses:
--   match          the point is in the claimed region (or in a region under it);
--   near_boundary  outside it, but within the tolerance (the larger of the GPS accuracy and
--                  the default), which also covers the gaps and overlaps of real boundary data;
--   mismatch       clearly in another region;
--   outside        in no region we cover, and not near the claimed one;
--   unknown_claim  the claim names no region we know;  unclaimed: there is no claim.
-- detected_code: the smallest region containing the point (the claimed one or one under it
-- when several overlap there); in a gap between boundaries, the nearest within the tolerance.
-- region_code is where the report belongs until someone decides otherwise: the region of the
-- point when it matches or there is no usable claim, the claimed region otherwise (a mismatch
-- stays with the claimed region until its dispute is settled; a kecamatan known only from its
-- kelurahan: its kelurahan nearest the point).
-- One SELECT in SQL so that PostgreSQL inlines it into the calling query: the bulk re-check
-- then runs it set-wise over a batch, with no per-report function call.
CREATE FUNCTION sigap_check_resolved(p_pt geometry, p_claim text, p_claimed boolean, p_accuracy_m float8, p_default_tol_m float8)
RETURNS TABLE (status text, claimed_code text, detected_code text, distance_m float8, region_code text)
LANGUAGE sql STABLE AS $$
  SELECT
    CASE WHEN NOT p_claimed THEN 'unclaimed' WHEN p_claim IS NULL THEN 'unknown_claim' WHEN ins.code IS NOT NULL THEN 'match'
         WHEN dc.d <= tol.t THEN 'near_boundary' WHEN det.code IS NOT NULL THEN 'mismatch' ELSE 'outside' END,
    CASE WHEN p_claimed THEN p_claim END,
    coalesce(ins.code, det.code),
    CASE WHEN NOT p_claimed OR p_claim IS NULL THEN NULL WHEN ins.code IS NOT NULL THEN 0::float8 ELSE dc.d END,
    CASE WHEN NOT p_claimed OR p_claim IS NULL OR ins.code IS NOT NULL THEN coalesce(ins.code, det.code) ELSE dc.keep_in END
  FROM (SELECT greatest(coalesce(p_accuracy_m, 0), p_default_tol_m) AS t) tol
  -- Every region containing the point, smallest level first (overlaps give several).
  CROSS JOIN LATERAL (
    SELECT array_agg(h.code ORDER BY h.rank, h.code) AS hits FROM (
      SELECT DISTINCT g.code, CASE g.level WHEN 'kelurahan' THEN 0 WHEN 'kecamatan' THEN 1 WHEN 'kabupaten' THEN 2 ELSE 3 END AS rank
      FROM region_parts rp JOIN regions g ON g.code = rp.region_code WHERE ST_Intersects(rp.geom, p_pt)) h
  ) hs
  LEFT JOIN LATERAL (
    SELECT u.c AS code FROM unnest(hs.hits) WITH ORDINALITY AS u(c, o)
    WHERE p_claimed AND p_claim IS NOT NULL AND (u.c = p_claim OR u.c LIKE p_claim || '.%') ORDER BY u.o LIMIT 1
  ) ins ON true
  -- In a gap between boundaries: the nearest region within the tolerance. The box is in degrees
  -- and surely contains the tolerance (a degree of longitude shrinks with latitude).
  CROSS JOIN LATERAL (
    SELECT coalesce(hs.hits[1], (
      SELECT rp.region_code FROM region_parts rp
      WHERE rp.geom && ST_Expand(p_pt, tol.t / (111320 * greatest(0.01, cos(radians(ST_Y(p_pt))))) * 1.01)
        AND ST_DWithin(rp.geom::geography, p_pt::geography, tol.t)
      ORDER BY ST_Distance(rp.geom::geography, p_pt::geography), rp.region_code LIMIT 1)) AS code
  ) det
  -- Off the claimed region: how far from it, and which region the report stays with meanwhile.
  LEFT JOIN LATERAL (
    SELECT CASE WHEN EXISTS (SELECT 1 FROM regions x WHERE x.code = p_claim) THEN p_claim ELSE z.code END AS keep_in, z.d
    FROM (
      SELECT rp.region_code AS code, ST_Distance(rp.geom::geography, p_pt::geography) AS d FROM region_parts rp WHERE rp.region_code = p_claim
      UNION ALL
      SELECT rp.region_code, ST_Distance(rp.geom::geography, p_pt::geography)
      FROM regions ch JOIN region_parts rp ON rp.region_code = ch.code
      WHERE ch.parent_code = p_claim AND NOT EXISTS (SELECT 1 FROM regions x WHERE x.code = p_claim)
    ) z
    WHERE p_claimed AND p_claim IS NOT NULL AND ins.code IS NULL
    ORDER BY z.d, z.code LIMIT 1
  ) dc ON true
$$;

-- The whole check of one report: its claim resolved, then checked (intake uses this). PL/pgSQL
-- with a generic plan, so the query is planned once per connection rather than on every call
-- (its custom plans look cheaper, and planning it costs more than running it); without JIT,
-- which would compile it on every call (the planner's estimates for the spatial lookups are
-- far above the JIT threshold).
CREATE FUNCTION sigap_location_check(p_pt geometry, p_claim text, p_accuracy_m float8, p_default_tol_m float8)
RETURNS TABLE (status text, claimed_code text, detected_code text, distance_m float8, region_code text)
LANGUAGE plpgsql STABLE ROWS 1 SET jit = off SET plan_cache_mode = force_generic_plan AS $$
#variable_conflict use_column
BEGIN
  -- OFFSET 0 keeps the claim resolved once: otherwise the call is copied into every use.
  RETURN QUERY
    SELECT x.* FROM (SELECT sigap_resolve_claim(p_claim, p_pt) AS code OFFSET 0) c,
      sigap_check_resolved(p_pt, c.code, coalesce(btrim(p_claim), '') <> '', p_accuracy_m, p_default_tol_m) x;
END $$;

-- The outcome, stored with the report. NULL status: not checked yet (reports older than this
-- migration; `npm run sigap -- check-locations` fills them in).
ALTER TABLE reports
  ADD COLUMN location_status      text CHECK (location_status IN ('match', 'mismatch', 'near_boundary', 'outside', 'unknown_claim', 'unclaimed')),
  ADD COLUMN claimed_region_code  text,
  ADD COLUMN detected_region_code text,
  ADD COLUMN claim_distance_m     double precision,
  ADD COLUMN location_checked_at  timestamptz;

-- One dispute per mismatch. The point, the claimed and the detected region are copied when it
-- opens, so the dispute still shows what was disputed after a decision changed the report.
CREATE TABLE location_disputes (
  id                    uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  report_id             uuid NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
  claimed_region_code   text NOT NULL,
  detected_region_code  text NOT NULL,
  location              geometry(Point, 4326) NOT NULL,
  distance_m            double precision,
  accuracy_m            double precision,
  -- open -> proposed -> moved | kept | returned; cleared when a re-check no longer finds a mismatch.
  state                 text NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'proposed', 'moved', 'kept', 'returned', 'cleared')),
  proposal              jsonb,
  decision              text CHECK (decision IN ('move', 'keep', 'return')),
  decision_reason       text,
  corrected_location    geometry(Point, 4326),
  decided_by_user       uuid,
  decided_by_role       text,
  decided_at            timestamptz,
  overdue_at            timestamptz,
  opened_at             timestamptz NOT NULL DEFAULT now(),
  updated_at            timestamptz NOT NULL DEFAULT now()
);
-- At most one undecided dispute per report (a bulk re-check racing an intake opens one).
CREATE UNIQUE INDEX location_disputes_active_uq ON location_disputes (report_id) WHERE state IN ('open', 'proposed');
CREATE INDEX location_disputes_report_idx ON location_disputes (report_id);
CREATE INDEX location_disputes_claimed_idx ON location_disputes (claimed_region_code text_pattern_ops, opened_at);
CREATE INDEX location_disputes_detected_idx ON location_disputes (detected_region_code text_pattern_ops, opened_at);
CREATE INDEX location_disputes_active_opened_idx ON location_disputes (opened_at) WHERE state IN ('open', 'proposed');

-- Every step of a dispute: who (user id and role, never a name), when, what, and why.
CREATE TABLE dispute_actions (
  id          bigserial PRIMARY KEY,
  dispute_id  uuid NOT NULL REFERENCES location_disputes(id) ON DELETE CASCADE,
  action      text NOT NULL CHECK (action IN ('opened', 'proposed', 'decided', 'overdue', 'cleared')),
  decision    text CHECK (decision IN ('move', 'keep', 'return')),
  actor_user  uuid,
  actor_role  text NOT NULL,
  reason      text,
  data        jsonb NOT NULL DEFAULT '{}'::jsonb,
  at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX dispute_actions_dispute_idx ON dispute_actions (dispute_id, id);
