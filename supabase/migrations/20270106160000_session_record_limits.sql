-- When a session's record first met one of its bounds and left something out, so that the report can say from when
-- its record may be incomplete (api/report_view.py) rather than show a record that simply stops:
--   record_full_at          the first batch of the agent's events refused as past the event budget or count
--                           (409 `session_record_full`, SHADOWS_API_EVENT_BUDGET_BYTES / _EVENT_MAX_COUNT): the
--                           interviewer's turns, hints, phases and snapshots from then on may be missing;
--   observations_capped_at  the first observation of the candidate's page dropped past the per-session cap
--                           (SHADOWS_API_INTEGRITY_MAX_EVENTS): later observations were not recorded.
-- Set once (the first time) by the API; null while nothing was left out. Sessions before this column have null.
alter table public.sessions
  add column record_full_at timestamptz,
  add column observations_capped_at timestamptz;
