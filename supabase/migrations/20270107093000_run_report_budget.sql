-- The per-session budget on run reports (SHADOWS_API_RUN_REPORT_BUDGET_BYTES, docs/data-model.md). A run's report
-- shows what the candidate's program returned and printed in each visible test (up to 256 KiB of each returned
-- value), so one Run could store 1.3 MB and a session, at the run rate limit, hundreds of MB, which the session's
-- detail, its grading and its dump each read whole. `submissions.result_bytes` is the size of the stored
-- `result_json` as PostgreSQL gives it back (api/stored_json.py `stored_bytes`); the API sums it under the session
-- row lock in the transaction that stores a run (api/db/runs_repo.py) and stores a run past the budget without the
-- values and output it showed (`values_omitted` in its report). Rows from before this column have null: readers
-- count them by `pg_column_size(result_json)`.
alter table public.submissions add column result_bytes integer;
