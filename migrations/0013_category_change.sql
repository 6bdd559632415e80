-- A ticket's category changed by the command room is a step of its history.
ALTER TABLE ticket_events DROP CONSTRAINT ticket_events_kind_check;
ALTER TABLE ticket_events ADD CONSTRAINT ticket_events_kind_check
  CHECK (kind IN ('opened', 'routed', 'transition', 'sla_breached', 'rated', 'category_changed'));
