-- Every gauge `/metrics` reads from the database (api/ops_metrics.py, api/jobs/metrics.py) is an index scan over
-- the rows it counts, not a scan of the table: each API replica reads them at every scrape, and a season of
-- sessions, scorecards and job events made each scan a sequential one (docs/deployment.md, `bench metrics_gauges`).
-- Partial indexes, so each holds only the few rows its gauge counts and costs nothing to the other writes.

-- shadows_interviews_in_progress; and the stall sweep's `where status = 'in_progress' ... order by started_at`.
create index sessions_in_progress_idx on public.sessions using btree (started_at) where status = 'in_progress';

-- shadows_gradings_failed_last_hour: the versions stored failed in the last hour.
create index scorecards_failed_completed_idx on public.scorecards using btree (completed_at)
  where status = 'failed';

-- shadows_queue_jobs_failed_last_hour: procrastinate's `failed` events of the last hour. Not one of procrastinate's
-- own indexes (tests/api/test_queue_schema.py names it as ours); nothing of procrastinate reads or drops it.
create index shadows_procrastinate_events_failed_at_idx on public.procrastinate_events using btree (at)
  where type = 'failed';
