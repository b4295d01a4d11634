-- Runs stored before `submissions.run_by` (20270111090000_run_by.sql) are given it from their event, which
-- `api/db/runs_repo.py` `store_run` appends in the same transaction with the idempotency key
-- `api:<kind>:<submission id>`: one lookup in the unique (session_id, idempotency_key) index per run, no event
-- scanned. A run without such an event (or with a `by` the column does not take) stays null: not known.
update public.submissions s set run_by = e.payload ->> 'by'
  from public.session_events e
 where s.run_by is null
   and e.session_id = s.session_id
   and e.idempotency_key = 'api:' || s.kind || ':' || s.id::text
   and e.payload ->> 'by' in ('candidate', 'agent', 'grader');
