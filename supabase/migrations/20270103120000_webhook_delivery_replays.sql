-- Replaying a webhook delivery (`POST /v1/webhook-endpoints/{id}/deliveries/{delivery_id}/replay`) sends the same
-- row again: it wrote no new delivery, so nothing counted them, and a replay loop (wait until delivered, replay)
-- made the worker send requests to the endpoint without end, each with a fresh retry schedule and a job row kept.
-- `replays` counts the times the delivery was replayed; the route refuses one past its bound (409
-- `too_many_replays`). It is raised by the replay's own conditional update of the row, so concurrent replays on any
-- API replica count one after another and never pass the bound together.
alter table public.webhook_deliveries
  add column replays integer not null default 0,
  add constraint webhook_deliveries_replays_check check (replays >= 0);
