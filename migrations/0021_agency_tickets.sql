-- A second (third...) agency on one incident: an accident needs the ambulance, the police and
-- the toll-road operator. The incident row stays the lead agency's ticket; each added agency
-- gets a row here with its own state, field team and SLA clocks. One per agency and incident.
CREATE TABLE agency_tickets (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  incident_id uuid NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
  agency_code text NOT NULL REFERENCES agencies(code),
  status text NOT NULL DEFAULT 'dispatched',
  field_team text,
  response_due_at timestamptz,
  resolve_due_at timestamptz,
  first_response_at timestamptz,
  resolved_at timestamptz,
  ended_at timestamptz,
  response_breached_at timestamptz,
  resolve_breached_at timestamptz,
  status_changed_at timestamptz NOT NULL DEFAULT now(),
  resolution_note text,
  resolution_photo_ids text[] NOT NULL DEFAULT '{}',
  reject_reason text,
  -- The client's key of the request that added it: a retry answers this row, not a 409.
  idempotency_key text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT agency_tickets_status_chk CHECK (status IN ('dispatched', 'in_progress', 'resolved', 'rejected')),
  CONSTRAINT agency_tickets_incident_agency_key UNIQUE (incident_id, agency_code)
);
CREATE INDEX agency_tickets_agency_idx ON agency_tickets (agency_code, incident_id);
-- The SLA checker's look-up: open added tickets.
CREATE INDEX agency_tickets_open_idx ON agency_tickets (id) WHERE ended_at IS NULL;

-- Their history lives with the incident's, in kinds of their own (so the citizen's status page
-- and the lead ticket's rules, which read 'opened' and 'transition', do not mix them in).
ALTER TABLE ticket_events DROP CONSTRAINT ticket_events_kind_check;
ALTER TABLE ticket_events ADD CONSTRAINT ticket_events_kind_check
  CHECK (kind IN ('opened', 'routed', 'transition', 'sla_breached', 'rated', 'category_changed',
    'agency_added', 'agency_transition', 'agency_sla_breached'));
