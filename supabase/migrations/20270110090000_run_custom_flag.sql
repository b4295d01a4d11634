-- Whether a run of kind `run` was custom input (its report's `custom: true`), in a column of its own so that
-- `GET /v1/sessions/{id}/results` can pick the newest custom input and the newest plain Run apart without reading
-- every report of the session (up to the 16 MiB run report budget) on each read (api/db/runs_repo.py). Null: not
-- known from the column (a row stored by a replica from before it); the readers then take it from the report.
alter table public.submissions add column if not exists custom boolean;
