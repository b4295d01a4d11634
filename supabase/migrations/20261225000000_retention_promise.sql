-- Retention keeps the notice's promise (api.jobs.retention, api.db.artifacts_repo.due_for_retention).
--
-- sessions.retention_days: the period the candidate was shown when they agreed to the notice ("keeps this record for
--   N days, then it is deleted"), recorded with the consent (the smallest, if they agreed more than once). The job
--   erases a session after the lesser of it and its organisation's current retention_days: a longer period set
--   later does not keep an agreed record longer; a shorter one applies at once. Null: not agreed to (yet).
alter table public.sessions
  add column retention_days integer null check (retention_days between 1 and 3650);

-- The job also erases sessions that never started, counted from their expiry: their invite can no longer open
-- them, and their résumé was otherwise kept for ever. Its work list for them, oldest expiry first.
create index sessions_retention_unstarted_idx on public.sessions using btree (expires_at)
  where retention_applied_at is null and status = 'scheduled';
