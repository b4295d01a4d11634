-- Bytes of the payloads the agent's events (POST /v1/internal/sessions/{id}/events) stored in a session so far,
-- measured as compact JSON in UTF-8 with numbers as PostgreSQL writes them, an editor snapshot's `code` left out
-- (it has its own budget, `snapshot_code_bytes`). The API adds to it in the transaction that stores the events,
-- under the session row lock every append takes (api/db/events_repo.py), and refuses a batch that would take it
-- past SHADOWS_API_EVENT_BUDGET_BYTES (409 `session_record_full`, nothing of the batch stored). Existing sessions
-- start at 0: what they stored before this column is not counted.
alter table public.sessions add column event_bytes bigint not null default 0;
