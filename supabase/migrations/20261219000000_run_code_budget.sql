-- The per-session budget on code stored with runs and submissions (SHADOWS_API_RUN_CODE_BUDGET_BYTES,
-- docs/data-model.md). `sessions.run_code_bytes` counts the UTF-8 bytes of code the session's `submissions` rows
-- store within the budget; the API adds to it under the session row lock in the transaction that stores the run
-- (api/db/runs_repo.py). Each new row records `code_bytes` and `code_sha256`; a run past the budget is stored
-- without its code: `code` '' (the design note's column stays not null) and `code_omitted`. The newest Submit past
-- the budget keeps its code (`code_over_budget`); when a newer one comes, the older one's code is left out in turn,
-- so at most one row holds code beyond the budget. Existing rows keep their code (`code_bytes` and `code_sha256`
-- null); existing sessions start at 0.
alter table public.sessions add column run_code_bytes bigint not null default 0;
alter table public.submissions
  add column code_omitted boolean not null default false,
  add column code_bytes integer,
  add column code_sha256 text,
  add column code_over_budget boolean not null default false;
