-- Who may see an event, stored with it (issue 20): the WebSocket filter and the replay compare
-- these columns instead of guessing from the payload. New rows get them from the event catalogue
-- (server/events/event.catalog.ts) at append. `audience`: admins | everyone | place | regions
-- (see the catalogue); region_codes and agency_codes: the regions and agencies it concerns.
-- The defaults are the safe side: a row written outside the catalogue reaches only the roles
-- that see every place.
ALTER TABLE events
  ADD COLUMN audience text NOT NULL DEFAULT 'place' CHECK (audience IN ('admins', 'everyone', 'place', 'regions')),
  ADD COLUMN region_codes text[] NOT NULL DEFAULT '{}',
  ADD COLUMN agency_codes text[] NOT NULL DEFAULT '{}';

-- Existing rows, from their payloads as the catalogue reads them. Incident events name no
-- agency: the incident's current one is taken (what the old per-process memory would have
-- learnt from the ticket's events).
UPDATE events SET audience = CASE
    WHEN type LIKE 'user.%' OR type LIKE 'display_token.%' THEN 'admins'
    WHEN type IN ('hotspots.updated', 'catalogue.changed', 'locations.rechecked') THEN 'everyone'
    WHEN type LIKE 'dispute.%' THEN 'regions'
    ELSE 'place' END;

UPDATE events e SET
  region_codes = ARRAY(SELECT DISTINCT c FROM unnest(ARRAY[
      e.data #>> '{dispute,claimed_region,code}', e.data #>> '{dispute,detected_region,code}'
    ]) c WHERE c IS NOT NULL AND c <> '' ORDER BY c)
  WHERE e.audience = 'regions';

WITH ids AS (
  SELECT e.seq, x.id::uuid AS id
  FROM events e,
       unnest(ARRAY[e.data ->> 'incident_id', e.data #>> '{incident,id}', e.data #>> '{ticket,id}', e.data #>> '{from,id}', e.data #>> '{to,id}']) x(id)
  WHERE e.audience = 'place' AND x.id ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
),
known AS (
  SELECT ids.seq, array_agg(i.region_code) AS regions, array_agg(i.agency_code) AS agencies
  FROM ids JOIN incidents i ON i.id = ids.id GROUP BY ids.seq
)
UPDATE events e SET
  region_codes = ARRAY(SELECT DISTINCT c FROM unnest(ARRAY[
      e.data #>> '{region,code}', e.data ->> 'region_code', e.data #>> '{ticket,region,code}',
      e.data #>> '{incident,region,code}', e.data #>> '{from,region,code}', e.data #>> '{to,region,code}'
    ] || coalesce(k.regions, '{}')) c WHERE c IS NOT NULL AND c <> '' ORDER BY c),
  agency_codes = ARRAY(SELECT DISTINCT c FROM unnest(ARRAY[
      e.data #>> '{agency,code}', e.data ->> 'agency_code', e.data ->> 'from_agency', e.data #>> '{ticket,agency,code}'
    ] || coalesce(k.agencies, '{}')) c WHERE c IS NOT NULL AND c <> '' ORDER BY c)
FROM events e2 LEFT JOIN known k ON k.seq = e2.seq
WHERE e2.seq = e.seq AND e.audience = 'place' AND jsonb_typeof(e.data) = 'object';
