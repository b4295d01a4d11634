-- The hourly retention job (api/jobs/pruning.py) now prunes the webhook delivery log: a delivered or failed delivery
-- goes 90 days after its last attempt (or its creation, if it failed unattempted); a pending one is never pruned.
-- This index lets the prune find those rows without reading the whole table.
create index webhook_deliveries_finished_idx on public.webhook_deliveries
  using btree ((coalesce(last_attempt_at, created_at)))
  where status <> 'pending';
