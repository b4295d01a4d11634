-- The id the candidate's page gave a Run, Submit or custom input as it sent it (header `X-Shadows-Client-Run-Id`), so
-- that a page whose answer was lost (a reload, a network drop, a gateway's 502, 504 or 524) reads exactly its own
-- run's report (`GET /v1/sessions/{id}/results?client_run_id=…`), never the one another tab of the same candidate
-- ran meanwhile (api/db/runs_repo.py). Null: no id was given (the interviewer's and the grading job's runs, a page
-- from before it) or a replica from before the column stored the run; the page then matches it by time, as before.
alter table public.submissions add column if not exists client_run_id text
  constraint submissions_client_run_id_check check (client_run_id ~ '^[A-Za-z0-9_-]{16,64}$');
